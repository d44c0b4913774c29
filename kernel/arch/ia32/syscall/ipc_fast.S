/* ipc_fast.S: the IPC fast path, the common case of L4 IPC in one straight
 * line of assembly, from the Ipc's trap to the receiver's iret (thesis 2.2;
 * chapter 5 measures IPC).
 *
 * The general path (ipc/ipc.cc) handles every IPC: timeouts, map items,
 * senders queued at a busy receiver, receivers on other CPUs. Almost every
 * IPC a client and a server exchange is the same simple case, though: a Call
 * to a server that already waits in its ReplyWait, or the ReplyWait that
 * answers a client waiting in its Call. Both threads are on this CPU, the
 * message is a few untyped words, both sides wait for ever, and the sender
 * goes on to wait at once. Then the IPC is:
 *
 *     copy the words, the sender now waits, the receiver runs
 *
 * and the general path's work around it (the run queue and its lock, the
 * receive phase looking the partner up again, the scheduler's pick, the
 * receiver unwinding its kernel stack back to the system-call return) is not
 * needed: the sender becomes Receiving, the receiver becomes the running
 * thread, and the CPU returns straight to the receiver's user mode.
 *
 * Steps 1 to 6 each test one condition; when one fails, nothing anybody
 * reads has been changed yet, and ipc_slow hands the trap to handle_trap,
 * the general path. (Step 5 writes one word: the receiver's saved EAX,
 * which whatever ends its wait writes again, step 5 says why.)
 * After the last test the fast path commits: from there on it cannot fail.
 * It leaves both threads as the general path would, as far as anybody reads
 * them afterwards (step 8 says what it does not write), and the kernel-core
 * tests run both ways (`fastpath=off` on the kernel command line points the
 * Ipc vectors at their plain stubs, idt.cc), with one difference on purpose:
 * the receiver runs at once even when another thread of its priority is
 * ready (L4's direct switch; the general path would queue the receiver
 * behind it). A ready thread of a higher priority than the receiver sends the
 * IPC down the general path, which runs that thread first.
 *
 * Why assembly: the same steps in C++ took about 135 instructions, of which
 * some 40 were the compiler's spills and reloads of the eight values the
 * steps share (IA32 has six free registers) and its prologue. Here the user's
 * registers stay in the TrapFrame the entry saved and are read from it again
 * when needed, which costs one instruction each. The offsets into the kernel's
 * objects come from ipc_fast_layout.h, which ipc_fast_entry.cc checks against
 * the C++ types; the rare or long steps are C++ functions there.
 *
 * Registers from step 2 on: EBX the sender (this CPU's running thread), ECX
 * the receiver (from step 4), EDI where this CPU's scheduler state
 * (CpuScheduler) is in the per-CPU array (its offset: the array's address is
 * in each instruction's displacement, G_CPUS + SCHED_...), EBP this CPU's
 * number (until step 6 takes it for the directory), ESI the message tag, EDX
 * the sender's FromSpecifier as it came (until the commit; the C++ calls out
 * of line keep it); EAX (the destination until step 4) is scratch.
 */
#include "arch/ia32/layout.h"
#include "arch/ia32/save_frame.h"
#include "arch/ia32/syscall/ipc_fast_layout.h"

/* The per-CPU array of thread/cpu_scheduler.h, by its C++ name. */
#define G_CPUS _ZN6thread6detail6g_cpusE

    .text

/* The Lipc (VECTOR_SYSCALL_FIRST + 5) and Ipc (+ 4) vectors' entries: a stub
   and trap_entry.S's trap_common in one; and the Ipc's by sysenter, whose
   frame save_frame.h's sysenter_frame builds (sysenter.h). */
    .global lipc_entry
lipc_entry:
    pushl $0
    pushl $(VECTOR_SYSCALL_FIRST + 5)
    save_frame
    jmp ipc_fast

    .global ipc_entry
ipc_entry:
    pushl $0
    pushl $(VECTOR_SYSCALL_FIRST + 4)
    save_frame
    jmp ipc_fast

    .global sysenter_general_entry
sysenter_general_entry:
    sysenter_frame
    jmp ipc_slow

    .global sysenter_entry
sysenter_entry:
    sysenter_frame
    /* ESP points at the caller's TrapFrame: EAX to, ECX timeouts, EDX
       FromSpecifier, ESI MR0 (the tag) in it and still in the registers. */
ipc_fast:
    /* 1. The kind of IPC: untyped words only (no map or grant items, no
          flags), and a receive phase that waits for ever (receive timeout 0:
          with one, the sender would have to be put on this CPU's list of
          timeouts). That there is a receive phase at all (FromSpecifier not
          nil) needs no test of its own: step 2 refuses a nil FromSpecifier
          unless the destination is nil too, and nil finds no receiver in
          step 5. */
    testl $TAG_TYPED_AND_FLAGS, %esi
    jnz ipc_slow
    testw %cx, %cx
    jnz ipc_slow

    /* The sender: this CPU's running thread. */
    movl %fs:LOCAL_CPU_INDEX, %ebp
    imull $SCHED_SLOT_SIZE, %ebp, %edi
    movl G_CPUS + SCHED_CURRENT(%edi), %ebx

    /* 2. The sender's receive phase waits for the receiver itself (a Call) or
          for anybody (a ReplyWait); another specific thread would have to be
          looked up, and a nil FromSpecifier (a send alone) is none of these
          unless the destination is nil too. */
    cmpl %eax, %edx
    je 2f
    cmpl $THREAD_ANY, %edx
    je 2f
    cmpl $THREAD_ANY_LOCAL, %edx
    jne ipc_slow
2:
    /* 3. The sender may be switched away from with no more to do: its TCB
          page is not waiting to follow it to another node, no cancelled
          request of it is still out, and no move to another CPU waits for
          its switch (m_migrate_to is -1); and its receive phase can start
          waiting at once: no sender is queued at it that it would have to
          take first. One word (tcb.h). A sender being deleted has raised a
          switch, which step 6 sees. */
    cmpl $SENDER_WORD_FREE, TCB_SENDER_WORD(%ebx)
    jne ipc_slow

    /* 4. The receiver, into ECX. By a global id: the TCB array's slot for its
          number, holding a thread of that id (the slot of a thread number
          nobody uses reads as zeros). The slot is taken modulo the array's
          size: a number beyond it (`any`'s, for one) names a slot whose
          thread, if any, has another number, so the id does not match. Nil
          names slot 0, which reads as zeros when empty and holds a thread
          with a version (not 0) when not: it matches only an empty slot,
          which step 5 refuses (not receiving). An id that matches no slot
          may be a local one (Lipc, or Ipc within a space): in C++. */
    movl %eax, %ecx
    shrl $2, %ecx                   /* number * 4 KiB: (id >> 14) << 12 ... */
    andl $TCB_ARRAY_SLOTS_MASK, %ecx /* ... of the number's low 12 bits */
    cmpl %eax, TCB_ARRAY_BASE + TCB_GLOBAL_ID(%ecx)
    jne 40f
    addl $TCB_ARRAY_BASE, %ecx
5:
    /* 5. The receiver waits for this message, here, with nothing to undo: it
          is in a receive phase (so it exists and is not being deleted, whose
          first step ends its IPC; it is neither the sender, which runs, nor
          an idle thread, which never receives) with none of the three flags
          beside its state set (a hand-over to this CPU still in the inbox, a
          deadline, a message to the kernel: a page-fault reply or a new
          thread's start message), and it lives on this CPU. */
    cmpl $STATE_RECEIVING, TCB_STATE(%ecx)
    jne ipc_slow
    cmpl %ebp, TCB_CPU(%ecx)
    jne ipc_slow
    /*    It accepts the sender (ipc.cc's accepts()): it waits for anybody,
          for the sender's global id, or, within one space, for any local
          thread or the sender's local id. Each way knows what the receiver
          will see as the sender's name, its Ipc's result in EAX: the global
          id, or the local id when it asked by a local id (and both share a
          space). It goes into the receiver's saved EAX here, before the
          commit, as the only store before it: should a test below fail, the
          receiver waits on, and whatever ends its wait writes its EAX again
          (syscall_abi.cc; ipc_fast_resumed below), as only a thread in a
          user's Ipc gets this far (step 5's flags). */
    movl TCB_RECEIVE_FROM(%ecx), %eax
    cmpl $THREAD_ANY, %eax
    je 52f
    cmpl TCB_GLOBAL_ID(%ebx), %eax
    je 53f                          /* EAX: the sender's global id */
    testl $LOCAL_ID_ZERO_BITS, %eax
    jnz ipc_slow
    cmpl $THREAD_ANY_LOCAL, %eax
    je 51f
    subl $UTCB_POINTER_OFFSET, %eax  /* a local id is a UTCB location + this */
    cmpl TCB_UTCB_LOCATION(%ebx), %eax
    jne ipc_slow
51:
    movl TCB_SPACE(%ebx), %eax
    cmpl TCB_SPACE(%ecx), %eax
    jne ipc_slow
    movl TCB_UTCB_LOCATION(%ebx), %eax
    addl $UTCB_POINTER_OFFSET, %eax  /* the sender's local id */
    jmp 53f
52:
    movl TCB_GLOBAL_ID(%ebx), %eax
53:
    movl %eax, TCB_USER_FRAME + FRAME_EAX(%ecx)
6:
    /* 6. Running the receiver now is what the scheduler would do: no ready
          thread has a higher priority (nothing is ready at all, the common
          case, or the test in C++), and the safe point has nothing to do on
          this CPU: a switch due, a timer tick's timeouts, requests from
          other CPUs, a deleted partner to look for (one word,
          thread/safe_point.h). Any of them sends the IPC down the general
          path, which returns through the safe point. (Deleted threads
          waiting to be freed can wait: every safe point tries again.) */
    cmpl $0, G_CPUS + SCHED_QUEUE_WORDS(%edi)
    jne 60f
61:
    cmpl $0, G_CPUS + SCHED_SAFE_POINT(%edi)
    jne ipc_slow

    /*    The last test, and the first step of the switch: the receiver's
          space has its directory for this CPU already (if not, the general
          path makes it: Lab 2). Loaded only when the space differs. */
    movl TCB_SPACE(%ecx), %eax
    cmpl TCB_SPACE(%ebx), %eax
    je 7f
    movl SPACE_DIRECTORIES(%eax,%ebp,4), %ebp  /* (the CPU number is not needed again) */
    testl %ebp, %ebp
    jz ipc_slow

    /* ---- commit: from here on the fast path cannot fail ------------------ */
    movl %ebp, %cr3
    /*    With the space, the IO ports the CPU lets user mode use: its IO
          bitmap, as arch::set_user_context does it (user_context.cc).
          Nothing to do when neither space has ports (and nothing at all
          within one space); out of line otherwise, and in C++ when the
          bitmap behind the TSS is another space's. */
    movl SPACE_IO_BITMAP(%eax), %ebp
    orl %fs:LOCAL_IO_ENABLED, %ebp
    jnz 105f
7:
    /*    First two stores of steps 8 and 9, while their values are still in
          registers: the sender's FromSpecifier, and the CPU's new running
          thread. */
    movl %edx, TCB_RECEIVE_FROM(%ebx)
    movl %ecx, G_CPUS + SCHED_CURRENT(%edi)

    /* 7. The message, and the Ipc's results as syscall_abi.cc returns them:
          the tag into the receiver's MR0 and its saved ESI (the sender's tag
          as it is: step 1 let through no typed words and no flags, which the
          receiver would not see); MR1..MRu from the sender's UTCB to the
          receiver's (`rep movsl` wants ESI, EDI and ECX: the receiver waits
          in EAX meanwhile, EDX keeps its UTCB). Its MR1 and MR2 go into
          EBX and EBP on the way out, step 11; the sender's name went into
          its saved EAX in step 5. */
    movl TCB_UTCB(%ecx), %edx
    movl %esi, UTCB_MR0(%edx)
    movl %esi, TCB_USER_FRAME + FRAME_ESI(%ecx)
    testl $TAG_UNTYPED, %esi
    jz 71f
    movl %ecx, %eax
    leal UTCB_MR1(%edx), %edi
    movl %esi, %ecx
    andl $TAG_UNTYPED, %ecx
    movl TCB_UTCB(%ebx), %esi
    addl $UTCB_MR1, %esi
    rep movsl
    movl %eax, %ecx
71:

    /* 8. The sender's Ipc as ipc::ipc() records it, with its send phase done
          and its receive phase waiting with no deadline (its FromSpecifier
          went in at 7 above). Only what a waiting receiver's partners, its
          CPU's safe point and its own return read is written: the send
          phase's fields (m_send_to, m_send_tag, ...) are read only while a
          thread is Sending, m_error_in_receive is set by whoever ends the
          wait with an error, the kernel-message flags are false whenever a
          thread is in user mode, and m_deadline is 0 already: only a blocked
          thread has one, and whatever ends its wait clears it (thread::wake,
          the timeout's expiry). The receive timeout (never), m_has_receive
          and m_start_pending (false in a thread that makes an Ipc: it has
          started) are one word; m_wake (None) and m_state (Receiving) are
          two bytes of another, whose other two, m_ran_here (true) and
          m_adopt_pending (false), hold those values already in a thread
          running here (tcb.h). */
    incl TCB_IPC_SEQ(%ebx)
    movl $RECEIVE_WORD_WAITING, TCB_RECEIVE_WORD(%ebx)
    movl $RUN_WORD_RECEIVING, TCB_RUN_WORD(%ebx)
    incl TCB_FAST_IPCS(%ebx)

    /* 9. The receiver's receive phase is over; it is this CPU's running
          thread from now on (stored at 7 above; not queued: the running
          thread never is). The CPU's time is not charged here: the thread
          running at the next timer tick pays for the time since the last
          tick or general-path switch, at most one tick (scheduler.cc's
          on_timer_tick), as on Pistachio, where the thread the tick finds
          pays for the tick. One store: the receiver is woken with the
          message (m_wake Done), Ready, and back in user mode here
          (m_ran_here true, for Schedule's moves: migration.cc);
          m_adopt_pending was false (step 5). */
    movl $RUN_WORD_WOKEN, TCB_RUN_WORD(%ecx)

    /* 10. What the CPU needs to run the receiver in user mode besides its
           directory and IO bitmap (step 6): its kernel stack for the next
           trap and its UTCB segment, as arch::set_user_context does it
           (user_context.cc). (The sender's stack canary is not checked here:
           the fast path hardly uses the stack, and the general path's switch
           and every timer tick check the canary of the thread they leave or
           interrupt, scheduler.cc.) */
    leal TCB_STACK_TOP(%ecx), %eax
    movl %eax, %fs:LOCAL_TSS_ESP0
    movl TCB_UTCB_SEGMENT(%ecx), %eax
    movl %eax, %fs:LOCAL_UTCB_DESCRIPTOR
    movl TCB_UTCB_SEGMENT + 4(%ecx), %eax
    movl %eax, %fs:LOCAL_UTCB_DESCRIPTOR + 4

    /* 11. The switch. The sender keeps no kernel context: all it has on its
           stack is its TrapFrame, and its saved kernel stack pointer 0 says
           so. Whatever resumes it does so on that frame: another fast IPC,
           in which it is the receiver (steps 7 to 11), or the general path's
           arch::switch_stacks (switch.S), which sends it to
           ipc_fast_resume_switched below.
           The receiver's own kernel context, saved when it blocked, is
           dropped: all it had left to do was to return its Ipc result to
           user mode, which steps 5 and 7 did. Then the receiver's kernel
           stack, at its TrapFrame, and out as save_frame.h's
           restore_user_frame leaves, but for EBX and EBP, the Ipc's MR1 and
           MR2: read from the receiver's UTCB through GS, its UTCB segment
           (gdt.cc; step 10 pointed it at this UTCB, and the CPU reads it now,
           in the receiver's space, where the kernel mapped the UTCB when the
           thread got it: Space::try_utcb). */
    movl $0, TCB_KERNEL_ESP(%ebx)
    leal TCB_USER_FRAME(%ecx), %esp
    .global ipc_fast_switched
ipc_fast_switched:
    movw %ss:selector_utcb, %gs
    popal
    movl %gs:UTCB_MR1, %ebx
    movl %gs:UTCB_MR2, %ebp
    addl $8, %esp                   /* vector and error code */
    iret

/* The general path: handle_trap(TrapFrame*), then the common trap exit. */
ipc_slow:
    pushl %esp
    call handle_trap
    jmp trap_return

/* Step 4 when no TCB slot holds the id: by a local id (not nil, not
   anylocal), in C++. */
40:
    testl $LOCAL_ID_ZERO_BITS, %eax
    jnz ipc_slow
    testl %eax, %eax
    jz ipc_slow
    cmpl $THREAD_ANY_LOCAL, %eax
    je ipc_slow
    movl %eax, %edx
    movl %ebx, %eax
    call ipc_fast_local_receiver
    testl %eax, %eax
    jz ipc_slow
    movl %eax, %ecx
    movl FRAME_EDX(%esp), %edx      /* the FromSpecifier again */
    jmp 5b

/* Step 6 when some thread is ready: whether one is above the receiver. */
60:
    pushl %ecx
    pushl %edx
    movl %ecx, %eax
    leal G_CPUS(%edi), %edx
    call ipc_fast_ready_above
    popl %edx
    popl %ecx
    testb %al, %al
    jnz ipc_slow
    jmp 61b

/* Step 6, the receiver's space has ports, or the sender's had (the bitmap is
   on): which. */
105:
    cmpl $0, SPACE_IO_BITMAP(%eax)
    je 103f
/* The receiver's space has ports: if its bitmap is the one behind the TSS,
   that applies (again); else the user context in C++ (which writes what step
   10 writes too). */
    movl SPACE_IO_GENERATION(%eax), %eax
    cmpl %fs:LOCAL_IO_LOADED_KEY, %eax
    jne 104f
    cmpl $0, %fs:LOCAL_IO_ENABLED
    jne 7b
    movw $IOMAP_ON, %fs:LOCAL_IOMAP_BASE
    movl $1, %fs:LOCAL_IO_ENABLED
    jmp 7b
104:
    pushl %ecx
    pushl %edx
    movl %ecx, %eax
    call ipc_fast_user_context
    popl %edx
    popl %ecx
    jmp 7b

/* Step 6, the receiver's space has no ports but the sender's had: none now
   (the bitmap stays behind the TSS for the next space that has it). */
103:
    movw $IOMAP_OFF, %fs:LOCAL_IOMAP_BASE
    movl $0, %fs:LOCAL_IO_ENABLED
    jmp 7b

/* Where a sender that blocked in the fast path resumes when the general path
   switches to it (switch.S, with EDX at its saved ESP, m_kernel_esp): first
   onto its stack, at the argument slot below its TrapFrame. */
    .global ipc_fast_resume_switched
ipc_fast_resume_switched:
    leal TCB_USER_FRAME - 4 - TCB_KERNEL_ESP(%edx), %esp
/* Then, with ESP at its argument slot: no frame to chain to (EBP 0), its Ipc
   result into its frame and the safe point in C++ (ipc_fast_entry.cc), then
   the common trap exit. */
ipc_fast_resume:
    xorl %ebp, %ebp
    call ipc_fast_resumed
    jmp trap_return
