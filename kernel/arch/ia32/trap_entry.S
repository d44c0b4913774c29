/* trap_entry.S: the 256 interrupt and exception entry stubs.
 *
 * The CPU pushes EFLAGS, CS, EIP (and SS, ESP when it came from ring 3) and, for
 * some exceptions, an error code. Every stub makes the stack look the same: it
 * pushes a dummy error code where the CPU pushed none, then its vector number,
 * and jumps to trap_common, which saves the rest into a TrapFrame (trap.h) and
 * calls handle_trap(TrapFrame*).
 *
 * Each stub is 16 bytes long, so the stub for vector v is trap_stubs + 16 * v.
 * The #DB stub (vector 1) goes through debug_entry first, which handles the
 * single-step trap that can come right after a `sysenter` (below).
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
    .if vector == 1
    jmp debug_entry
    .else
    .if (vector == 8) || ((vector >= 10) && (vector <= 14)) || (vector == 17) || (vector == 21) || (vector == 29) || (vector == 30)
    .else
    pushl $0
    .endif
    pushl $vector
    jmp trap_common
    .endif
    .set vector, vector + 1
    .endr

/* #DB. A user thread that sets TF (popf) right before its Ipc stub's
   `sysenter` gets a single-step trap after that instruction, in ring 0, at the
   entry's first instruction and still on the TSS as its stack (sysenter.h):
   no frame to hand to handle_trap, and no harm done. The trap returns to the
   entry with TF clear; the thread returns to user mode without it (the frame
   sysenter_entry builds has fixed EFLAGS). */
debug_entry:
    cmpl $sysenter_entry, (%esp)
    je 1f
    cmpl $sysenter_general_entry, (%esp)
    je 1f
    pushl $0
    pushl $1
    jmp trap_common
1:
    andl $~0x100, 8(%esp)          /* the trapped EFLAGS: TF off */
    iret

/* The far pointers save_frame (save_frame.h) loads DS, ES and FS from:
   offset 0 and a selector; and the selector restore_user_frame loads into
   GS. */
    .section .rodata
    .balign 8
    .global far_user_data, far_cpu_local, selector_utcb
far_user_data:
    .long 0
    .word SEL_USER_DATA
    .balign 8
far_cpu_local:
    .long 0
    .word SEL_CPU_LOCAL
    .balign 2
selector_utcb:
    .word SEL_UTCB

    .text
trap_common:
    save_frame
    pushl %esp
    call handle_trap
    /* A new thread's first switch "returns" here too (switch.S), onto a
       TrapFrame its creator filled, below the same one-word argument slot. */
    .global trap_return
trap_return:
    addl $4, %esp
    testb $3, FRAME_CS(%esp)
    jz 1f
    restore_user_frame
1:
    restore_kernel_frame
