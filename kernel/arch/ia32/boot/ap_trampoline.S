/* ap_trampoline.S: how a secondary CPU (AP) gets from reset to the kernel.
 *
 * An AP wakes up from the STARTUP IPI in 16-bit real mode at CS:IP =
 * (vector << 8):0, so this code must sit in the first megabyte at a page
 * boundary. The kernel keeps it in .trampoline and copies it to
 * AP_TRAMPOLINE_PHYS (0x8000, vector 0x08) before each start; it is written
 * to run at that address, so every address below is "label - ap_trampoline +
 * AP_TRAMPOLINE_PHYS".
 *
 *  (1) real mode: load a temporary flat GDT, set CR0.PE, far-jump to 32-bit code;
 *  (2) protected mode: flat data segments, enable PSE, load the kernel page
 *      directory (which still identity-maps low memory), enable paging;
 *  (3) take the stack and entry point the boot CPU left in the parameter
 *      block and jump to the kernel (ap_entry in smp_boot.cc).
 */
#include "arch/ia32/layout.h"

#define TRAMPOLINE_ADDR(label) ((label) - ap_trampoline + AP_TRAMPOLINE_PHYS)

    .section .trampoline, "a"
    .code16
    .global ap_trampoline
ap_trampoline:
    /* (1) */
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ds
    lgdtl TRAMPOLINE_ADDR(trampoline_gdtr)
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $0x08, $TRAMPOLINE_ADDR(trampoline_32)

    .code32
trampoline_32:
    /* (2) */
    movl $0x10, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    movl %cr4, %eax
    orl $0x10, %eax
    movl %eax, %cr4
    movl TRAMPOLINE_ADDR(ap_trampoline_cr3), %eax
    movl %eax, %cr3
    movl %cr0, %eax
    orl $0x80010000, %eax
    movl %eax, %cr0
    /* (3) */
    movl TRAMPOLINE_ADDR(ap_trampoline_stack), %esp
    xorl %ebp, %ebp
    movl TRAMPOLINE_ADDR(ap_trampoline_entry), %eax
    jmp *%eax

    .balign 8
trampoline_gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF    /* flat 32-bit code, ring 0 */
    .quad 0x00CF92000000FFFF    /* flat 32-bit data, ring 0 */
trampoline_gdtr:
    .word 3 * 8 - 1
    .long TRAMPOLINE_ADDR(trampoline_gdt)

    /* The parameter block, filled in by the boot CPU. */
    .balign 4
    .global ap_trampoline_cr3, ap_trampoline_stack, ap_trampoline_entry
ap_trampoline_cr3:   .long 0
ap_trampoline_stack: .long 0
ap_trampoline_entry: .long 0
    .global ap_trampoline_end
ap_trampoline_end:
