// migration.cc: moving a thread to another CPU (X.2 Schedule's processor
// control, and the base OS's thread migration).
//
// Only a thread's own CPU changes its state (scheduler.h), so a move is a
// hand-over in three steps:
//   (1) migrate(), on the old CPU: the thread is marked m_migrate_to and,
//       unless it is running, leaves the run queue;
//   (2) hand_over(), on the old CPU once it runs on another stack (at once
//       for a thread that is not running; after the switch for the running
//       one): it leaves the timeout list (keeping its deadline), m_cpu is set
//       to the new CPU and an Adopt request is appended to its inbox, in one
//       step under that inbox's lock (ipc::post_adopt);
//   (3) adopt(), on the new CPU at its next safe point: the ProcessorNo TCR is
//       updated, the deadline re-armed, and a ready thread queued.
// Every thread gets to run where it was moved to. Two kinds of move are
// therefore put off until the thread is switched out (blocks, or its time
// slice ends; schedule() then hands it over):
//   - a move of the running thread asked for by another thread (a thread
//     that moves itself leaves at once);
//   - a move of a ready thread that came here by a move and has not yet been
//     back in user mode here (m_ran_here).
// Without that, a Schedule that moves a thread on as soon as it arrives, on
// every CPU, would keep it from running: each new CPU took in the thread and
// the next move in one pass over its inbox (l4.sched.migrate_tcb saw a server
// moved 770 times in 4 s and run 10 times), or stopped it after a few
// instructions in user mode.
// A third kind waits for an answer from another CPU: a thread whose send is
// out there (a Call to a thread of another CPU, before that CPU's SendDone
// has come back) stays until the SendDone has ended its send phase (ipc/
// remote.cc calls move_after_send). Moved at once, the SendDone would follow
// it to the new CPU behind the Adopt, and an answer to its Call, sent as soon
// as the receiver had the message, could get there first and find it still
// sending: with a zero send timeout (a server's ReplyWait, a pager answering
// a page fault) the answer fails and the caller waits for ever
// (l4.ipc.reply_to_moved_caller).
// Between (2) and (3) the new CPU owns the thread but has not taken it in
// (Tcb::owned_by is false): it acts on the thread only through requests in
// its inbox, which come after the Adopt (a request that waited there since
// the thread's last stay is re-posted behind it, ipc/remote.cc).
// IPC partners that address the thread in between reach it through its new
// CPU (ipc/remote.h forwards stale requests). In step (2), before the thread
// changes hands, its TCB page moves to the new CPU's node (Lab 3,
// tcb_migrate.h); this file holds the kit's part of that: the quiesce check
// and the call.
#include "thread/cpu_scheduler.h"
#include "thread/scheduler.h"
#include "thread/tcb_array.h"
#include "thread/tcb_migrate.h"
#include "thread/tcb_placement.h"

#include "arch/arch.h"
#include "ipc/ipc.h"
#include "ipc/remote.h"
#include "platform/boot_options.h"
#include "platform/machine.h"

namespace thread {

namespace detail {

void hand_over(Tcb* prev) {
    // Its send is out on another CPU, whose answer (SendDone) comes here: it
    // stays until that answer has ended its send phase (move_after_send).
    if (prev->m_state == State::Sending && prev->m_remote_send) return;
    // Off prev's stack now: its TCB follows it to the new node (while it is
    // still ours), then it goes to its new CPU (Adopt, ipc/remote.h).
    CpuScheduler& c = g_cpus.current();
    unsigned to = unsigned(prev->m_migrate_to);
    prev->m_migrate_to = -1;
    ipc::before_migrate(prev);
    uint64_t deadline = prev->m_in_timeouts ? prev->m_deadline : 0;
    remove_timeout(c, prev);
    prev->m_deadline = deadline;  // the new CPU re-arms it (adopt)
    place_tcb(prev, platform::machine_topology().cpus[to].node);
    ipc::post_adopt(to, prev);
}

}  // namespace detail

using namespace detail;

bool tcb_quiet(const Tcb* tcb) {
    if (tcb->m_zombie || tcb->m_is_idle || tcb->m_state == State::WaitingRemote) return false;
    if (tcb->m_state == State::Sending && tcb->m_remote_send) return false;  // a remote CPU holds it queued
    return ipc::requests_in_flight(slot_number(tcb)) == 0;
}

void place_tcb(Tcb* tcb, unsigned node) {
    if (!platform::boot_options().migrate_tcbs) return;
    if (!tcb_quiet(tcb)) {
        if (!tcb->m_tcb_pending) count_tcb_move_deferred();
        tcb->m_tcb_pending = true;  // finish_switch() tries again when it is switched out
        return;
    }
    uint64_t before = tcb_frame(tcb);
    bool moved = try_move_tcb(tcb, node);
    tcb->m_tcb_pending = false;  // moved, already there, or no memory: not again until it migrates
    if (moved && tcb_frame(tcb) != before) count_tcb_move();
    record_tcb_placement(tcb, node);
}

void tcb_settled(Tcb* tcb) {
    if (!tcb->m_tcb_pending || tcb->cpu() != arch::cpu_index() || tcb == current()) return;
    place_tcb(tcb, platform::machine_topology().cpus[arch::cpu_index()].node);
}

void migrate(Tcb* tcb, unsigned cpu, bool by_itself) {
    CpuScheduler& c = g_cpus.current();
    if (cpu == tcb->m_cpu) {
        tcb->m_migrate_to = -1;  // stays; a move put off (below) is called off
        return;
    }
    tcb->m_migrate_to = int8_t(cpu);
    if (tcb == c.current) {
        // Itself: finish_switch() hands it over once we are off its stack.
        // Asked by another thread: when it is switched out (file comment).
        if (by_itself) request_reschedule();
        return;
    }
    // Arrived by a move and ready, but not yet run here: it runs first.
    if (tcb->m_state == State::Ready && !tcb->m_ran_here) return;
    {
        IrqSpinLockGuard guard(c.queue.lock());
        c.queue.dequeue_locked(tcb->m_sched);
    }
    c.switched_from = tcb;  // not running: hand over now, the same way
    finish_switch();
}

void move_after_send(Tcb* tcb) {
    if (tcb->m_migrate_to >= 0) migrate(tcb, unsigned(tcb->m_migrate_to), false);
}

void adopt(Tcb* tcb) {
    CpuScheduler& c = g_cpus.current();
    __atomic_store_n(&tcb->m_adopt_pending, false, __ATOMIC_RELEASE);  // ours from here on (owned_by)
    tcb->m_ran_here = false;
    if (tcb->m_utcb != nullptr) tcb->m_utcb->processor_no = arch::cpu_index();  // the ProcessorNo TCR
    bool blocked = tcb->m_state == State::Sending || tcb->m_state == State::Receiving;
    if (blocked && tcb->m_deadline != 0) add_timeout(c, tcb, tcb->m_deadline);
    if (tcb->m_state == State::Ready) make_ready(tcb);
}

}  // namespace thread
