/* trap_entry.S: the 256 interrupt and exception entry stubs.
 *
 * The CPU pushes EFLAGS, CS, EIP (and SS, ESP when it came from ring 3) and, for
 * some exceptions, an error code. Every stub makes the stack look the same: it
 * pushes a dummy error code where the CPU pushed none, then its vector number,
 * and jumps to trap_common, which saves the rest into a TrapFrame (trap.h) and
 * calls handle_trap(TrapFrame*).
 *
 * Each stub is 16 bytes long, so the stub for vector v is trap_stubs + 16 * v.
 *
 * The Ipc and Lipc system calls enter at ipc_entry and lipc_entry instead
 * (idt.cc points their vectors there unless the kernel was booted with
 * fastpath=off), which save the same TrapFrame and call ipc_trap(TrapFrame*)
 * (syscall/ipc_fast_entry.cc): the IPC fast path first, handle_trap when it
 * does not apply.
 */
#include "arch/ia32/layout.h"

    .text
    .balign 16
    .global trap_stubs
trap_stubs:
    .set vector, 0
    .rept 256
    .balign 16
    /* Vectors with a CPU-pushed error code: #DF 8, #TS 10, #NP 11, #SS 12,
       #GP 13, #PF 14, #AC 17, #CP 21, #VC 29, #SX 30. */
    .if (vector == 8) || ((vector >= 10) && (vector <= 14)) || (vector == 17) || (vector == 21) || (vector == 29) || (vector == 30)
    .else
    pushl $0
    .endif
    pushl $vector
    jmp trap_common
    .set vector, vector + 1
    .endr

/* The rest of the TrapFrame (trap.h), and the kernel's segments. */
.macro save_frame
    pushal
    pushl %ds
    pushl %es
    pushl %fs
    pushl %gs
    movl $SEL_KERNEL_DATA, %eax
    movl %eax, %ds
    movl %eax, %es
    movl $SEL_CPU_LOCAL, %eax
    movl %eax, %fs
    cld
.endm

/* The Ipc (VECTOR_SYSCALL_FIRST + 4) and Lipc (+ 5) entries of the fast path:
   a stub and trap_common in one, without the jump between them. */
.macro ipc_entry_for vector
    pushl $0
    pushl $\vector
    save_frame
    pushl %esp
    call ipc_trap
    jmp trap_return
.endm

    .global ipc_entry
ipc_entry:
    ipc_entry_for (VECTOR_SYSCALL_FIRST + 4)

    .global lipc_entry
lipc_entry:
    ipc_entry_for (VECTOR_SYSCALL_FIRST + 5)

trap_common:
    save_frame
    pushl %esp
    call handle_trap
    /* A new thread's first switch "returns" here too (switch.S), onto a
       TrapFrame its creator filled, below the same one-word argument slot. */
    .global trap_return
trap_return:
    addl $4, %esp
    /* With ESP at the TrapFrame: the IPC fast path's switch enters here (switch.S). */
    .global trap_restore
trap_restore:
    popl %gs
    popl %fs
    popl %es
    popl %ds
    popal
    addl $8, %esp           /* vector and error code */
    iret
