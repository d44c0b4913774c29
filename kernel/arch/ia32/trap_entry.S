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
 * (syscall/ipc_fast.S; idt.cc points their vectors there unless the kernel
 * was booted with fastpath=off), which save the same TrapFrame, try the IPC
 * fast path, and call handle_trap when it does not apply.
 */
#include "arch/ia32/layout.h"
#include "arch/ia32/save_frame.h"

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

trap_common:
    save_frame
    pushl %esp
    call handle_trap
    /* A new thread's first switch "returns" here too (switch.S), onto a
       TrapFrame its creator filled, below the same one-word argument slot. */
    .global trap_return
trap_return:
    addl $4, %esp
    /* With ESP at the TrapFrame: the IPC fast path leaves through here (syscall/ipc_fast.S). */
    .global trap_restore
trap_restore:
    popl %gs
    popl %fs
    popl %es
    popl %ds
    popal
    addl $8, %esp           /* vector and error code */
    iret
