/* layout.h: the kernel's virtual address map on IA32 (usable from C++ and asm).
 *
 *   0xFF000000 +-------------------------+
 *              | TCB array (16 MiB):     |  thread number n at TCB_ARRAY_BASE
 *              |  4 KiB TCB per thread   |  + n * 4 KiB (thread/tcb_array.h)
 *   0xFE000000 +-------------------------+
 *              | device window           |  LAPIC, ACPI tables above the direct
 *              |  (4 KiB pages, mapped   |  map: map_physical() in paging.cc
 *              |   on demand)            |
 *   0xF0000000 +-------------------------+
 *              | (free for later labs:   |
 *              |  node pools, TCB array) |
 *   0xE0000000 +-------------------------+
 *              | direct map of physical  |  4 MiB pages (4 KiB where the kernel
 *              | [0, 512 MiB)            |  image, at 0xC0100000 = 1 MiB phys, is
 *              |                         |  write-protected: mm/paging.cc)
 *   0xC0000000 +-------------------------+
 *              | user space (3 GiB)      |
 *   0x00000000 +-------------------------+
 */
#pragma once

#define KERNEL_VIRT_OFFSET 0xC0000000
#define DIRECT_MAP_SIZE 0x20000000
#define DEVICE_WINDOW_BASE 0xF0000000
#define DEVICE_WINDOW_END 0xFE000000
#define TCB_ARRAY_BASE 0xFE000000
#define TCB_ARRAY_SIZE 0x01000000
#define USER_SPACE_END 0xC0000000
#define KERNEL_STACK_SIZE 16384
#define AP_TRAMPOLINE_PHYS 0x8000

/* GDT selectors, the same on every CPU (each CPU has its own GDT). */
#define SEL_KERNEL_CODE 0x08
#define SEL_KERNEL_DATA 0x10
#define SEL_USER_CODE 0x1B
#define SEL_USER_DATA 0x23
#define SEL_TSS 0x28
#define SEL_CPU_LOCAL 0x30
#define SEL_UTCB 0x3B /* user GS: base = the running thread's UTCB location (gdt.h) */

/* The EFLAGS a thread that entered by sysenter returns to user mode with:
   IF and the always-one bit 1 (syscall/ipc_fast.S, sysenter.h). */
#define USER_EFLAGS_AFTER_SYSENTER 0x202

/* Where a TrapFrame (trap.h) holds the CS it returns to, from its start:
   trap_entry.S's trap_return tells a return to user mode by it (trap.cc
   checks the offset). */
#define FRAME_CS 0x2c

/* System-call vectors: the KIP stubs enter the kernel with int $vector (the
   Ipc stub with sysenter where it can: sysenter.h). */
#define VECTOR_SYSCALL_FIRST 0x30
#define VECTOR_SYSCALL_COUNT 11
