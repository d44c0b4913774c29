/* boot.S: the first instructions the kernel runs, on the boot CPU.
 *
 * A multiboot 1 loader (QEMU's -kernel, or GRUB) enters _start in 32-bit
 * protected mode with paging off, flat segments, EAX = 0x2BADB002 and EBX = the
 * physical address of the multiboot information. We are linked at
 * 0xC0100000 but loaded at 0x00100000, so until paging is on every address we
 * use must be made physical by subtracting KERNEL_VIRT_OFFSET.
 *
 * Steps:
 *  (1) remember EAX/EBX, clear .bss;
 *  (2) fill boot_page_directory with 4 MiB pages (PSE) mapping physical
 *      [0, 512 MiB) twice: at 0 (identity, so the next instruction after
 *      enabling paging still exists, and for the AP trampoline) and at
 *      0xC0000000 (the kernel's direct map). The identity half is removed
 *      once all CPUs are up (paging.cc);
 *  (3) turn on PSE, load CR3, turn on paging and write protection;
 *  (4) jump to the higher half, switch to the boot stack, call kernel_main.
 *
 * A page-directory entry for a 4 MiB page (IA32, CR4.PSE = 1):
 *   31..22 physical base | 7 PS=1 | 2 U/S | 1 R/W | 0 P
 */
#include "arch/ia32/layout.h"

#define MULTIBOOT_MAGIC 0x1BADB002
#define MULTIBOOT_FLAGS 0x00000003 /* bit 0: page-align modules, bit 1: memory map */
#define PDE_4M_KERNEL 0x83        /* present, writable, 4 MiB page */
#define PHYS(x) ((x) - KERNEL_VIRT_OFFSET)

    .section .multiboot, "a"
    .balign 4
    .long MULTIBOOT_MAGIC
    .long MULTIBOOT_FLAGS
    .long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

    .section .boot.text, "ax"
    .code32
    .global _start
_start:
    cli
    cld
    /* (1) */
    movl %eax, PHYS(boot_magic)
    movl %ebx, PHYS(boot_info_phys)
    movl $PHYS(_bss_start), %edi
    movl $PHYS(_bss_end), %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb

    /* (2) */
    movl $PHYS(boot_page_directory), %edi
    movl $PDE_4M_KERNEL, %eax
    xorl %ecx, %ecx
1:  movl %eax, (%edi, %ecx, 4)
    movl %eax, (KERNEL_VIRT_OFFSET >> 20)(%edi, %ecx, 4)
    addl $0x400000, %eax
    incl %ecx
    cmpl $(DIRECT_MAP_SIZE >> 22), %ecx
    jb 1b

    /* (3) */
    movl %cr4, %eax
    orl $0x10, %eax                 /* CR4.PSE */
    movl %eax, %cr4
    movl %edi, %cr3
    movl %cr0, %eax
    orl $0x80010000, %eax           /* CR0.PG | CR0.WP */
    movl %eax, %cr0

    /* (4) */
    movl $higher_half, %eax
    jmp *%eax

    .text
higher_half:
    movl $boot_stack_top, %esp
    xorl %ebp, %ebp
    pushl boot_info_phys
    pushl boot_magic
    call kernel_main
2:  cli
    hlt
    jmp 2b

    .data
    .balign 4
    .global boot_magic, boot_info_phys
boot_magic:     .long 0
boot_info_phys: .long 0

    .bss
    .balign 4096
    .global boot_page_directory
boot_page_directory:
    .skip 4096
    .balign 16
    .global boot_stack_bottom, boot_stack_top
boot_stack_bottom:
    .skip KERNEL_STACK_SIZE
boot_stack_top:
