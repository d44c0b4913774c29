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
 */
    .text

/* void arch_switch_stacks(uint32_t* save_esp, uint32_t new_esp) */
    .global arch_switch_stacks
arch_switch_stacks:
    movl 4(%esp), %eax
    movl 8(%esp), %edx
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl %esp, (%eax)
    movl %edx, %esp
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret

/* Where a new thread starts: finish the switch in C, then leave the kernel
   through the common trap exit, which pops the TrapFrame and irets. */
    .global thread_first_run
thread_first_run:
    call thread_started
    jmp trap_return

/* The IPC fast path's switch (arch/ia32/syscall/ipc_fast_entry.cc):
 * void arch_ipc_switch(uint32_t* save_esp, TrapFrame* prev, TrapFrame* next),
 * its arguments in EAX, EDX and ECX (regparm(3)).
 *
 * `next` is the receiver's saved user frame at the top of its kernel stack,
 * its results already in it: take that stack, at the frame (trap_entry.S's
 * trap_restore), and return to user mode. `prev` is the sender's frame:
 * below its argument slot goes the switch frame described at the top of this
 * file, with ipc_fast_resume as its return address (the four registers'
 * values do not matter), and its address becomes the sender's saved kernel
 * context. That is written only once ESP has left the sender's stack, whose
 * words there still belonged to our caller. */
    .global arch_ipc_switch
arch_ipc_switch:
    movl %ecx, %esp
    movl $ipc_fast_resume, -8(%edx)
    leal -24(%edx), %edx
    movl %edx, (%eax)
    jmp trap_restore

/* Where a sender that blocked in the fast path resumes, with ESP at its
   argument slot: no frame to chain to (EBP 0), its Ipc result into its frame
   and the safe point in C, then the common trap exit. */
ipc_fast_resume:
    xorl %ebp, %ebp
    call ipc_fast_resumed
    jmp trap_return
