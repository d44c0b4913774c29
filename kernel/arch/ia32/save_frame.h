/* save_frame.h: the assembler macro that completes a TrapFrame (trap.h) on
 * the kernel stack and loads the kernel's segments, for trap_entry.S and the
 * IPC fast path's entries (syscall/ipc_fast.S). Assembly only.
 *
 * On entry the stack holds what the CPU pushed (EFLAGS, CS, EIP, and SS, ESP
 * from ring 3), an error code and the vector number; afterwards ESP points at
 * the whole TrapFrame. Every general register but EAX still holds the value
 * it had in the interrupted code.
 */
#pragma once

#include "arch/ia32/layout.h"

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
