// crt0.S: where every user program starts.
//
// The kernel starts the initial thread at the ELF entry point with ESP = 0 and all
// other registers zero (docs/user-boot.md), so _start first takes a stack of its own
// from .bss. Then runtime.cc's program_start runs the constructors and main, and puts
// the thread to sleep for ever when main returns.

        .section .text.start, "ax"
        .global _start
_start:
        movl    $crt0_stack_top, %esp
        xorl    %ebp, %ebp
        call    program_start
1:      jmp     1b

        .section .bss
        .balign 16
crt0_stack:
        .skip   16384
crt0_stack_top:
