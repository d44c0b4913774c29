/* switch.S: switching kernel stacks between threads.
 *
 * Every thread has its own kernel stack, in the upper part of its 4 KiB TCB
 * (thread/tcb.h). A thread that is not running is suspended inside
 * arch_switch_stacks; its stack then holds, lowest address first:
 *
 *     saved ESP -> edi, esi, ebx, ebp, return address
 *
 * which is exactly what the C calling convention asks a callee to preserve.
 * A new thread's stack is built to look the same (arch/ia32/user_context.cc),
 * with thread_first_run as the return address and a TrapFrame for its first
 * return to user mode above it.
 *
 * A thread that blocked in the IPC fast path (syscall/ipc_fast.S) has no such
 * context: only its TrapFrame, at the top of its stack, and a saved ESP of 0.
 * The fast path resumes it (ipc_fast_resume_switched, which finds the frame
 * from the address of the saved ESP, in its TCB).
 */

    .text

/* void arch_switch_stacks(uint32_t* save_esp, const uint32_t* next_esp):
   next_esp is the next thread's m_kernel_esp, in its TCB. */
    .global arch_switch_stacks
arch_switch_stacks:
    movl 4(%esp), %eax
    movl 8(%esp), %edx
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, (%eax)
    movl (%edx), %ecx
    testl %ecx, %ecx
    jz 1f
    movl %ecx, %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret
1:
    jmp ipc_fast_resume_switched    /* EDX: where its saved ESP is */

/* Where a new thread starts: finish the switch in C, then leave the kernel
   through the common trap exit, which pops the TrapFrame and irets. */
    .global thread_first_run
thread_first_run:
    call thread_started
    jmp trap_return
