// invariants.cc: the invariant checker's look at the threads (invariants.h).
#include "thread/invariants.h"

#include "platform/boot_options.h"
#include "platform/machine.h"
#include "smp/online.h"
#include "thread/cpu_scheduler.h"
#include "thread/tcb_array.h"
#include "thread/tcb_placement.h"

namespace thread {

namespace {

using detail::g_cpus;
using detail::tcb_of;

// The CPU whose run queue holds each thread number, plus one (0: none).
// Only the checker uses it, one at a time (syscall/kcheck.cc).
uint8_t g_queued_on[kMaxThreads];

void check_run_queue(unsigned cpu, kcheck::InvariantReport& report) {
    detail::CpuScheduler& c = g_cpus.on(cpu);
    IrqSpinLockGuard guard(c.queue.lock());
    if (!c.queue.check_locked()) {
        report.violation("CPU %u's run queue is broken (links, priority bitmap or count disagree)", cpu);
        return;
    }
    c.queue.for_each_locked([&](const Schedulable* entry) {
        Tcb* tcb = tcb_of(entry);
        unsigned number = unsigned(slot_number(tcb));
        if (!tcb->exists()) {
            report.violation("CPU %u's run queue holds slot %u, which has no thread", cpu, number);
            return;
        }
        unsigned id = tcb->global_id().raw();
        if (g_queued_on[number] != 0)
            report.violation("thread %x is on the run queues of CPUs %u and %u", id, g_queued_on[number] - 1u, cpu);
        g_queued_on[number] = uint8_t(cpu + 1);
        if (tcb->m_state != State::Ready)
            report.violation("thread %x (%s) is on CPU %u's run queue", id, state_name(tcb->m_state), cpu);
        if (tcb == c.current) report.violation("thread %x runs on CPU %u and is on its run queue too", id, cpu);
        if (tcb->cpu() != cpu) report.violation("thread %x of CPU %u is on CPU %u's run queue", id, tcb->cpu(), cpu);
    });
}

/// How deep `tcb`'s kernel stack has ever reached: from the top of its page down
/// to the lowest word above the Tcb object that is not zero.
uint32_t stack_high_water(const Tcb* tcb) {
    auto* word = reinterpret_cast<const uint32_t*>(stack_limit(tcb));
    auto* end = reinterpret_cast<const uint32_t*>(uintptr_t(tcb) + kTcbSize);
    while (word < end && *word == 0) ++word;
    return uint32_t(uintptr_t(end) - uintptr_t(word));
}

/// Measures `tcb`'s stack into `deepest`; a violation when it left less than
/// kStackMargin bytes above the Tcb object.
void check_stack(const Tcb* tcb, uint32_t id, unsigned cpu, kcheck::InvariantReport& report, StackDepth& deepest) {
    uint32_t used = stack_high_water(tcb);
    uint32_t room = uint32_t(uintptr_t(tcb) + kTcbSize - stack_limit(tcb));
    if (room - used < kStackMargin) {
        if (id != 0) report.violation("thread %x's kernel stack reached %u of its %u bytes", id, used, room);
        else report.violation("CPU %u's idle thread's kernel stack reached %u of its %u bytes", cpu, used, room);
    }
    if (used > deepest.bytes) deepest = {used, id};
}

bool runs_somewhere(const Tcb* tcb) {
    for (unsigned cpu = 0; cpu < platform::kMaxCpus; ++cpu)
        if (smp::cpu_online(cpu) && g_cpus.on(cpu).current == tcb) return true;
    return false;
}

void check_thread(Tcb* tcb, unsigned number, kcheck::InvariantReport& report, mm::LiveSpaces& spaces) {
    unsigned id = tcb->global_id().raw();
    bool queued = g_queued_on[number] != 0;
    if (tcb->m_sched.is_queued() != queued)
        report.violation("thread %x: its queued flag says %s, the run queues say %s", id,
                         tcb->m_sched.is_queued() ? "queued" : "not", queued ? "queued" : "not");
    bool in_transit = __atomic_load_n(&tcb->m_adopt_pending, __ATOMIC_ACQUIRE) || tcb->m_migrate_to >= 0;
    if (tcb->m_state == State::Ready && !queued && !in_transit && !runs_somewhere(tcb))
        report.violation("thread %x is Ready on CPU %u but neither runs nor is queued", id, tcb->cpu());
    if (tcb->m_state != State::Ready && queued)
        report.violation("thread %x waits (%s) and is on a run queue", id, state_name(tcb->m_state));
    if (tcb->m_has_senders != (tcb->m_senders_head != nullptr))
        report.violation("thread %x: m_has_senders says %s, its send queue %s (ipc.cc keeps both)", id,
                         tcb->m_has_senders ? "senders" : "none", tcb->m_senders_head != nullptr ? "has some" : "is empty");
    if (platform::boot_options().migrate_tcbs && !tcb->m_tcb_pending && !tcb->m_tcb_off_node && !in_transit) {
        unsigned node = platform::machine_topology().cpus[tcb->cpu()].node;
        if (!tcb_on_memory_of(tcb, node))
            report.violation("thread %x is on CPU %u (node %u), but its TCB page (frame %x) lies off the memory "
                             "that serves node %u, which had room (Lab 3: the page follows its thread)",
                             id, tcb->cpu(), node, unsigned(tcb_frame(tcb)), node);
    }
    if (mm::Space* space = tcb->space()) {
        if (space->thread_count() == 0) report.violation("thread %x lives in a space that counts no threads", id);
        spaces.add(space, id);
    }
}

}  // namespace

StackDepth check_threads(kcheck::InvariantReport& report, mm::LiveSpaces& spaces) {
    StackDepth deepest;
    for (unsigned number = 0; number < kMaxThreads; ++number) g_queued_on[number] = 0;
    for (unsigned cpu = 0; cpu < platform::kMaxCpus; ++cpu) {
        if (!smp::cpu_online(cpu)) continue;
        check_run_queue(cpu, report);
        if (const Tcb* idle = g_cpus.on(cpu).idle) check_stack(idle, 0, cpu, report, deepest);
    }
    for (unsigned number = 0; number < kMaxThreads; ++number) {
        Tcb* tcb = tcb_slot(number);
        if (!tcb->exists() || tcb->is_idle()) continue;
        check_thread(tcb, number, report, spaces);
        check_stack(tcb, tcb->global_id().raw(), tcb->cpu(), report, deepest);
    }
    return deepest;
}

}  // namespace thread
