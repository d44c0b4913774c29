// migration.cc: moving a thread to another CPU (X.2 Schedule's processor
// control, and the base OS's thread migration).
//
// Only a thread's own CPU changes its state (scheduler.h), so a move is a
// hand-over in three steps:
//   (1) migrate(), on the old CPU: the thread leaves the run queue and the
//       timeout list (keeping its deadline) and is marked m_migrate_to;
//   (2) hand_over(), on the old CPU once it runs on another stack (at once
//       for a thread that is not running; after the switch for the running
//       one): m_cpu is set to the new CPU and an Adopt request is posted to it;
//   (3) adopt(), on the new CPU at its next safe point: the ProcessorNo TCR is
//       updated, the deadline re-armed, and a ready thread queued.
// IPC partners that address the thread in between reach it through its new
// CPU (ipc/remote.h forwards stale requests). Lab 3 moves the TCB itself to
// the new CPU's node here.
#include "thread/cpu_scheduler.h"
#include "thread/scheduler.h"

#include "arch/arch.h"
#include "ipc/ipc.h"
#include "ipc/remote.h"

namespace thread {

namespace detail {

void hand_over(Tcb* prev) {
    // Off prev's stack now: hand it to its new CPU (Adopt, ipc/remote.h).
    unsigned to = unsigned(prev->m_migrate_to);
    prev->m_migrate_to = -1;
    __atomic_store_n(&prev->m_cpu, to, __ATOMIC_RELEASE);
    prev->m_adopt.kind = ipc::RequestKind::Adopt;
    prev->m_adopt.subject = prev;
    prev->m_adopt.subject_id = prev->m_global_id;
    ipc::post(to, prev->m_adopt);
}

}  // namespace detail

using namespace detail;

void migrate(Tcb* tcb, unsigned cpu) {
    CpuScheduler& c = g_cpus.current();
    if (cpu == tcb->m_cpu) return;
    ipc::before_migrate(tcb);
    uint64_t deadline = tcb->m_in_timeouts ? tcb->m_deadline : 0;
    remove_timeout(c, tcb);
    tcb->m_deadline = deadline;  // the new CPU re-arms it (adopt)
    {
        IrqSpinLockGuard guard(c.queue.lock());
        c.queue.dequeue_locked(tcb->m_sched);
    }
    tcb->m_migrate_to = int(cpu);
    if (tcb == c.current) {
        c.need_resched = true;  // finish_switch() hands it over once we are off its stack
        return;
    }
    c.switched_from = tcb;  // not running: hand over now, the same way
    finish_switch();
}

void adopt(Tcb* tcb) {
    CpuScheduler& c = g_cpus.current();
    if (tcb->m_utcb != nullptr) tcb->m_utcb->processor_no = arch::cpu_index();  // the ProcessorNo TCR
    bool blocked = tcb->m_state == State::Sending || tcb->m_state == State::Receiving;
    if (blocked && tcb->m_deadline != 0) add_timeout(c, tcb, tcb->m_deadline);
    if (tcb->m_state == State::Ready) make_ready(tcb);
}

}  // namespace thread
