// fast_path.cc: the IPC fast path, the common case of L4 IPC done in one
// straight line (ipc/fast_path.h; thesis 2.2 and chapter 5 measure IPC).
//
// The general path (ipc.cc) handles every IPC: timeouts, map items, senders
// queued at a busy receiver, receivers on other CPUs. Almost every IPC a
// client and a server exchange is the same simple case, though: a Call to a
// server that already waits in its ReplyWait, or the ReplyWait that answers a
// client waiting in its Call. Both threads are on this CPU, the message is a
// few untyped words, both sides wait for ever, and the sender goes on to wait
// at once. Then the IPC is:
//
//     copy the words, the sender now waits, the receiver runs
//
// and the general path's work around it (the run queue and its lock, the
// receive phase looking the partner up again, the scheduler's pick, the
// receiver unwinding its kernel stack back to the system-call return) is not
// needed: the sender becomes Receiving, the receiver becomes the running
// thread, and the CPU returns straight to the receiver's user mode.
//
// The steps below each test one condition; when one fails, nothing has been
// changed yet and the general path does the IPC (try_fast_ipc returns no
// receiver). After the last test the fast path commits: from there on it
// cannot fail. It leaves both threads as the general path would, as far as
// anybody reads them afterwards (step 8 says what it does not write), and the
// kernel-core tests run both ways (`fastpath=off` turns it off), with one
// difference on purpose: the receiver runs at once even when another
// thread of its priority is ready (L4's direct switch; the general path would
// queue the receiver behind it). A ready thread of a higher priority than the
// receiver sends the IPC down the general path, which runs that thread first.
//
// The architecture's part (arch/ia32/syscall/ipc_fast_entry.cc) decodes the
// registers, writes the receiver's results into its saved user registers and
// switches kernel stacks; the sender will later resume in
// fast_ipc_resumed(), wherever the general path or this one wakes it.
#include "ipc/fast_path.h"

#include "arch/arch.h"
#include "arch/mmu.h"
#include "arch/user.h"
#include "lib/panic.h"
#include "mm/space.h"
#include "platform/boot_options.h"
#include "thread/cpu_scheduler.h"
#include "thread/safe_point.h"
#include "thread/scheduler.h"
#include "thread/tcb_array.h"

namespace ipc {

using thread::State;
using thread::Tcb;
using thread::WakeReason;

namespace {

/// Tag bits 6..15: the typed-word count (map, grant and string items) and the
/// four flags (propagation and the kernel's own). Zero: untyped words only.
constexpr api::Word kTypedAndFlags = 0xFFC0;

/// Whether the safe point (thread::kernel_exit) has work that cannot wait on
/// this CPU: a switch due, a timer tick's timeouts, requests from other CPUs,
/// a deleted partner to look for (one word, thread/safe_point.h). Any of them
/// sends the IPC down the general path, which returns through the safe point.
/// Deleted threads waiting to be freed (CpuScheduler::dead) can wait: every
/// safe point tries again, and one comes at the latest with the next timer
/// interrupt in user mode.
[[gnu::always_inline]] bool safe_point_work(unsigned cpu) { return thread::g_safe_point_work.on(cpu).any(); }

// Flags the fast path reads together (thread/tcb.h keeps them side by side):
// a plain load of the word or half-word they share, with the acquire order
// owned_by() reads m_adopt_pending with. The types may alias the bytes.
using FlagWord [[gnu::may_alias]] = uint32_t;
using FlagHalfWord [[gnu::may_alias]] = uint16_t;
static_assert(offsetof(Tcb, m_adopt_pending) == offsetof(Tcb, m_state) + 1 &&
              offsetof(Tcb, m_in_timeouts) == offsetof(Tcb, m_state) + 2 &&
              offsetof(Tcb, m_receive_to_kernel) == offsetof(Tcb, m_state) + 3 && offsetof(Tcb, m_state) % 4 == 0);
static_assert(offsetof(Tcb, m_cancel_pending) == offsetof(Tcb, m_tcb_pending) + 1 &&
              offsetof(Tcb, m_tcb_pending) % 2 == 0);

/// m_state, m_adopt_pending, m_in_timeouts and m_receive_to_kernel in one
/// word (IA32 is little-endian: m_state is the low byte).
[[gnu::always_inline]] uint32_t receive_word(const Tcb* t) {
    return __atomic_load_n(reinterpret_cast<const FlagWord*>(&t->m_state), __ATOMIC_ACQUIRE);
}
/// Receiving, and none of the three flags set.
constexpr uint32_t kWaitingHere = uint32_t(State::Receiving);

/// m_tcb_pending and m_cancel_pending in one half-word: 0 when neither is set.
[[gnu::always_inline]] uint16_t sender_flags(const Tcb* t) {
    return *reinterpret_cast<const FlagHalfWord*>(&t->m_tcb_pending);
}

}  // namespace

bool fast_path_enabled() { return platform::boot_options().ipc_fast_path; }

FastIpc try_fast_ipc(api::ThreadId to, api::ThreadId from_spec, api::Timeouts timeouts, api::MsgTag tag) {
    unsigned cpu = arch::cpu_index();
    thread::detail::CpuScheduler& c = thread::detail::g_cpus.on(cpu);
    Tcb* self = c.current;
    constexpr FastIpc kGeneral{nullptr, nullptr, {}};

    // 1. The kind of IPC: a send phase and a receive phase (Call, ReplyWait),
    //    untyped words only, and a receive phase that waits for ever: with a
    //    timeout the sender would have to be put on this CPU's timeout list.
    //    (Whether the fast path is on at all is decided once, at boot: with
    //    fastpath=off the Ipc vectors do not enter it, arch/boot.h.)
    if ((tag.raw() & kTypedAndFlags) != 0) return kGeneral;
    if (!timeouts.receive().is_never() || from_spec.is_nil()) return kGeneral;

    // 2. The sender's receive phase can start waiting at once: no sender is
    //    queued at it that it would have to take first, and it waits for the
    //    receiver itself (a Call) or for anybody (a ReplyWait); another
    //    specific thread would have to be looked up.
    if (self->m_senders_head != nullptr) return kGeneral;
    if (!(from_spec == to || from_spec.is_any() || from_spec.is_any_local())) return kGeneral;

    // 3. The sender may be switched away from with no more to do: no move to
    //    another CPU or node waits for its switch (finish_switch), and no
    //    cancelled request of it is still out. (A sender being deleted has
    //    raised a switch, which step 6 sees.) Steps 1 to 3 read only the
    //    sender and its arguments, so that few values stay live past them.
    if (self->m_migrate_to >= 0 || sender_flags(self) != 0) return kGeneral;

    // 4. The receiver. By a global id: the TCB array's slot for its number,
    //    holding a thread of that version (as thread::lookup_thread finds it;
    //    `any` has a number beyond the array). By a local id (Lipc, or Ipc
    //    within a space): the owner of that UTCB location in the sender's
    //    space, read without the space's lock and then checked.
    Tcb* dest;
    if (to.is_global()) {
        if (to.number() >= thread::kMaxThreads) return kGeneral;
        dest = thread::tcb_slot(to.number());
        if (dest->m_global_id != to) return kGeneral;
    } else {
        if (to.is_nil() || to.is_any_local()) return kGeneral;
        dest = static_cast<Tcb*>(self->m_space->utcb_owner_unlocked(api::utcb_location(to.raw())));
        if (dest == nullptr || dest->m_space != self->m_space || dest->local_id() != to) return kGeneral;
    }

    // 5. The receiver waits for this message, here, with nothing to undo: it
    //    is in a receive phase (so it exists and is not being deleted, whose
    //    first step ends its IPC; it is neither the sender, which runs, nor an
    //    idle thread, which never receives) that accepts the sender, it lives
    //    on this CPU (and was taken in here), it waits for ever (no timeout to
    //    clear), and its message goes to its UTCB (not to the kernel: a
    //    page-fault reply, or a new thread's start message, which sets
    //    m_receive_to_kernel too). The state and the three flags are one
    //    word; owned_by(cpu) is its m_cpu and m_adopt_pending.
    if (receive_word(dest) != kWaitingHere || dest->cpu() != cpu) return kGeneral;
    if (!accepts(dest, self)) return kGeneral;

    // 6. Running the receiver now is what the scheduler would do: no ready
    //    thread has a higher priority, and the safe point has nothing to do.
    if (c.queue.ready_above(dest->m_sched.priority())) return kGeneral;
    if (safe_point_work(cpu)) return kGeneral;

    // ---- commit: from here on the fast path cannot fail ----------------------

    // 7. The message: MR1..MRu from the sender's UTCB to the receiver's, the
    //    tag the receiver sees into its MR0, and who sent it (the local id if
    //    the receiver asked by local id and both share a space), as
    //    transfer.cc does for untyped words. The tag and the sender go
    //    straight to the receiver's registers (the caller's part): the
    //    general path keeps them in m_received_tag and m_received_from only
    //    for the receiver's own way out of the kernel (ipc.cc's result_of),
    //    which a fast IPC's receiver does not take.
    unsigned words = tag.untyped();
    api::Word* dst = dest->m_utcb->mr;
    if (words != 0) arch::copy_words(dst + 1, self->m_utcb->mr + 1, words);
    api::MsgTag received = api::MsgTag::make(tag.label(), words, 0);
    dst[0] = received.raw();
    bool local_name = dest->m_receive_from.is_local() && self->m_space == dest->m_space;
    api::ThreadId sender_name = local_name ? self->local_id() : self->m_global_id;

    // 8. The sender's Ipc as ipc::ipc() records it, with its send phase done
    //    and its receive phase waiting with no deadline. Only what a waiting
    //    receiver's partners, its CPU's safe point and its own return read is
    //    written: the send phase's fields (m_send_to, m_send_tag, ...) are read
    //    only while a thread is Sending, m_error_in_receive is set by whoever
    //    ends the wait with an error, the kernel-message flags are false
    //    whenever a thread is in user mode, and m_deadline is 0 already (no
    //    deadline): only a blocked thread has one, and whatever ends its wait
    //    clears it (thread::wake, the timeout's expiry, timeouts.cc).
    ++self->m_ipc_seq;
    self->m_receive_from = from_spec;
    self->m_receive_timeout = timeouts.receive();
    self->m_has_receive = true;
    self->m_wake = WakeReason::None;
    self->m_state = State::Receiving;
    ++self->m_fast_ipcs;

    // 9. The receiver's receive phase is over; it is this CPU's running
    //    thread from now on (not queued: the running thread never is).
    dest->m_wake = WakeReason::Done;
    dest->m_state = State::Ready;
    c.current = dest;
    c.charged_until = arch::cycles();

    // 10. What the CPU needs to run the receiver in user mode: its space's
    //     directory (only when the space differs), its kernel stack for the
    //     next trap, its UTCB segment and its space's IO bitmap.
    if (self->m_stack_canary != thread::kStackCanary)
        panic("kernel stack overflow in thread %x", self->global_id().raw());
    if (dest->m_space != self->m_space) arch::write_directory(dest->m_space->switch_directory(cpu));
    mm::Space* space = dest->m_space;
    arch::set_user_context(thread::detail::stack_top(dest), dest->m_utcb_segment, space->io_bitmap(),
                           space->io_generation());
    dest->m_ran_here = true;
    return {self, dest, {sender_name, received}};
}

IpcResult fast_ipc_resumed() {
    thread::detail::finish_switch();
    return blocked_result(thread::current());
}

}  // namespace ipc
