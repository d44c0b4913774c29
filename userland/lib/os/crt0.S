// crt0.S: where a program of the base OS starts (not the library's crt0.S, which takes
// a stack of its own because the kernel starts sigma0 and the root task with ESP = 0).
//
// The OS starts a program's main thread with the X.2 start message (IP = the ELF entry,
// SP = the top of stack slot 0, os/layout.h), so the stack is already there: clear the
// frame pointer and go to os.cc's os_program_start, which never returns.

        .section .text.start, "ax"
        .global _start
_start:
        xorl    %ebp, %ebp
        call    os_program_start
1:      jmp     1b
