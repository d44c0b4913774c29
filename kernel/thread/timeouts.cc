// timeouts.cc: each CPU's list of threads waiting with a deadline, and the
// clock the deadlines are measured in.
//
// A thread blocked in IPC with a finite timeout is on its CPU's list (an
// unordered doubly linked list through the TCBs: the lists are short). The
// timer tick only notes that the list is not empty; the deadlines are checked
// at the next safe point (kernel_exit), where an expired wait ends with
// ipc::timeout_expired. A thread that migrates takes its deadline along and
// its new CPU re-arms it (migration.cc).
#include "thread/cpu_scheduler.h"
#include "thread/scheduler.h"

#include "arch/arch.h"
#include "ipc/ipc.h"

namespace thread {

namespace detail {

void add_timeout(CpuScheduler& c, Tcb* tcb, uint64_t deadline) {
    tcb->m_deadline = deadline;
    if (tcb->m_in_timeouts) return;
    tcb->m_in_timeouts = true;
    tcb->m_timeout_prev = nullptr;
    tcb->m_timeout_next = c.timeouts;
    if (c.timeouts != nullptr) c.timeouts->m_timeout_prev = tcb;
    c.timeouts = tcb;
}

void remove_timeout(CpuScheduler& c, Tcb* tcb) {
    tcb->m_deadline = 0;
    if (!tcb->m_in_timeouts) return;
    if (tcb->m_timeout_prev != nullptr) tcb->m_timeout_prev->m_timeout_next = tcb->m_timeout_next;
    else c.timeouts = tcb->m_timeout_next;
    if (tcb->m_timeout_next != nullptr) tcb->m_timeout_next->m_timeout_prev = tcb->m_timeout_prev;
    tcb->m_timeout_next = tcb->m_timeout_prev = nullptr;
    tcb->m_in_timeouts = false;
}

void expire_timeouts(CpuScheduler& c) {
    uint64_t now = clock_us();
    bool again = true;
    while (again) {
        again = false;
        for (Tcb* t = c.timeouts; t != nullptr; t = t->m_timeout_next) {
            if (t->m_deadline > now) continue;
            remove_timeout(c, t);
            ipc::timeout_expired(t);
            again = true;  // the list may have changed under us
            break;
        }
    }
}

}  // namespace detail

using namespace detail;

void set_timeout(Tcb* tcb, uint64_t deadline) {
    CpuScheduler& c = g_cpus.current();
    if (deadline == 0) remove_timeout(c, tcb);
    else add_timeout(c, tcb, deadline);
}

uint64_t clock_us() {
    uint64_t hz = arch::cycles_per_second();
    if (hz == 0) return 0;
    uint64_t cycles = arch::cycles();
    return (cycles / hz) * 1'000'000 + (cycles % hz) * 1'000'000 / hz;
}

}  // namespace thread
