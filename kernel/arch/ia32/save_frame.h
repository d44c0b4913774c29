/* save_frame.h: the assembler macros that complete a TrapFrame (trap.h) on
 * the kernel stack and loads the kernel's segments, for trap_entry.S and the
 * IPC fast path's entries (syscall/ipc_fast.S), and the ones that pop it
 * again. Assembly only.
 *
 * On entry the stack holds what the CPU pushed (EFLAGS, CS, EIP, and SS, ESP
 * from ring 3), an error code and the vector number; afterwards ESP points at
 * the whole TrapFrame. Every general register but EBX still holds the value
 * it had in the interrupted code.
 *
 * No segment register is in the frame; that is the ABI (docs/kernel-core.md,
 * "Segment registers"): after any entry to the kernel a thread runs with
 * fixed selectors, whatever it had loaded. The kernel uses the flat user data
 * segment in DS and ES (ring 0 may use a DPL-3 data segment; it is the same
 * flat 4 GiB), so the way back has nothing to load there; the entry loads it
 * all the same, since the user may have loaded another selector. FS is the
 * kernel's per-CPU segment: the entry loads it, and the `iret` back to user
 * mode clears it, as it clears every data segment register whose segment
 * user mode may not use (the per-CPU segment's DPL is 0; Intel SDM vol. 2,
 * IRET), so the thread finds the null selector there. GS is the kernel's to
 * set too: the way back to user mode loads the UTCB segment (which also
 * reloads its base, the running thread's UTCB). A return to ring 0 (an
 * interrupt in the idle loop's `hlt`) leaves FS and GS as they are.
 *
 * sysenter_frame does the same for the Ipc by sysenter (ipc_fast.S's
 * sysenter_entry), where the CPU pushed nothing.
 */
#pragma once

#include "arch/ia32/layout.h"

.macro save_frame clear_direction=1
    pushal
    /* One instruction per segment register: lds, les and lfs load one from a
       far pointer (trap_entry.S), read through SS, the kernel's own segment
       since the entry, as DS may not be yet. EBX takes the pointer's offset
       part (0); its user value is in the frame. */
    ldsl %ss:far_user_data, %ebx
    lesl %ss:far_user_data, %ebx
    lfsl %ss:far_cpu_local, %ebx
    .if \clear_direction
    cld
    .endif
.endm

/* The way back to user mode: the user's GS (from memory, read through SS, as
   the general registers are the user's already), then the TrapFrame ESP
   points at (trap_entry.S's trap_return; the IPC fast path's end is the same
   but for EBX and EBP). DS and ES keep the flat data segment the entry
   loaded; the `iret` clears FS. */
.macro restore_user_frame
    movw %ss:selector_utcb, %gs
    popal
    addl $8, %esp                   /* vector and error code */
    iret
.endm

/* The way back to ring 0 (trap_return only): FS stays the kernel's. */
.macro restore_kernel_frame
    popal
    addl $8, %esp
    iret
.endm

/* The Ipc by sysenter (sysenter.h): the KIP's stub put the caller's return
   address into EBX and its ESP past it into EBP; the CPU is in ring 0 with
   interrupts off, on this CPU's TSS as its stack. The entry builds the
   TrapFrame `int` would leave, as if the stub had returned (SS, ESP, EFLAGS,
   CS, EIP as the CPU would push them), and goes on as ipc_entry does, or with
   fastpath=off (sysenter_general_entry) as the Ipc vector's stub does.
   Unlike an interrupt gate, sysenter leaves the user's NT (nested task) flag
   set, with which the kernel's `iret` would attempt a task switch (#TS): the
   kernel's EFLAGS are set whole, to bit 1 alone, by popping them from where
   ESP points, the TSS's first word (its link to a previous task, which the
   kernel never uses: 0; gdt.h). (The user's TF, which sysenter keeps too, has
   trapped already: trap_entry.S's debug_entry.) */
.macro sysenter_frame
    popfl                           /* the TSS's link word, 0: EFLAGS 2 */
    movl (%esp), %esp               /* the TSS's ESP0: the thread's kernel stack */
    pushl $SEL_USER_DATA
    pushl %ebp
    pushl $USER_EFLAGS_AFTER_SYSENTER
    pushl $SEL_USER_CODE
    pushl %ebx
    pushl $0
    pushl $(VECTOR_SYSCALL_FIRST + 4)
    save_frame clear_direction=0    /* EFLAGS 2: DF is clear already */
.endm
