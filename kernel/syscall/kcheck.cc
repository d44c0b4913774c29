// kcheck.cc: the kernel's invariant checker (kcheck.h).
#include "syscall/kcheck.h"

#include "arch/arch.h"
#include "lib/console.h"
#include "lib/format.h"
#include "lib/spin_lock.h"
#include "mm/mapping_audit.h"
#include "platform/boot_options.h"
#include "platform/machine.h"
#include "smp/cross_call.h"
#include "smp/online.h"
#include "thread/cpu_scheduler.h"
#include "thread/invariants.h"
#include "thread/tcb_array.h"
#include "thread/tcb_placement.h"

namespace kcheck {

namespace {

SpinLock g_lock;            // one check at a time
mm::LiveSpaces g_spaces;    // under g_lock
unsigned g_parked = 0;      // CPUs spinning in park() (atomic)
bool g_release = false;     // set to let them go (atomic)

void park(void*) {
    __atomic_fetch_add(&g_parked, 1, __ATOMIC_ACQ_REL);
    while (!__atomic_load_n(&g_release, __ATOMIC_ACQUIRE)) arch::cpu_relax();
    __atomic_fetch_sub(&g_parked, 1, __ATOMIC_ACQ_REL);
}

/// Every other online CPU spins in park(); this one keeps answering cross
/// calls until they all do (one of them may be waiting for an answer).
void stop_other_cpus() {
    __atomic_store_n(&g_release, false, __ATOMIC_RELEASE);
    unsigned me = arch::cpu_index(), others = 0;
    for (unsigned cpu = 0; cpu < platform::kMaxCpus; ++cpu)
        if (cpu != me && smp::call_on(cpu, park, nullptr, smp::Wait::No)) ++others;
    smp::serve_calls_until([others] { return __atomic_load_n(&g_parked, __ATOMIC_ACQUIRE) == others; });
}

void release_other_cpus() {
    __atomic_store_n(&g_release, true, __ATOMIC_RELEASE);
    while (__atomic_load_n(&g_parked, __ATOMIC_ACQUIRE) != 0) arch::cpu_relax();
}

/// kcheck=plant: the running thread also on its CPU's run queue, a real
/// inconsistency for the checker to find (the grader's self-test boots it);
/// kcheck=plant-tcb: the running thread seen on a CPU of a node whose memory
/// does not hold its TCB page (where the machine has one); kcheck=plant-stack:
/// a word written at the running thread's stack limit, far below its stack
/// pointer, as if its kernel stack had reached its Tcb object. All are taken
/// out again before any CPU runs on.
class Plant {
public:
    Plant() {
        thread::detail::CpuScheduler& c = thread::detail::g_cpus.current();
        // Only a user thread's check plants (before the user level runs there is no thread).
        if (c.current == nullptr || c.current->is_idle()) return;
        m_thread = c.current;
        m_cpu = m_thread->m_cpu;
        m_queued = platform::boot_options().plant_inconsistency;
        if (m_queued) {
            IrqSpinLockGuard guard(c.queue.lock());
            (void)c.queue.enqueue_locked(m_thread->m_sched);
        }
        if (platform::boot_options().plant_tcb_off_node) {
            const platform::Topology& topology = platform::machine_topology();
            for (unsigned cpu = 0; cpu < topology.num_cpus; ++cpu)
                if (!thread::tcb_on_memory_of(m_thread, topology.cpus[cpu].node)) {
                    m_thread->m_cpu = cpu;
                    break;
                }
        }
        if (platform::boot_options().plant_deep_stack) {
            m_stack_limit = reinterpret_cast<uint32_t*>(thread::stack_limit(m_thread));
            *m_stack_limit = kPlantedWord;
        }
    }
    ~Plant() {
        if (m_thread == nullptr) return;
        m_thread->m_cpu = m_cpu;
        if (m_stack_limit != nullptr) *m_stack_limit = 0;
        if (m_queued) {
            thread::detail::CpuScheduler& c = thread::detail::g_cpus.current();
            IrqSpinLockGuard guard(c.queue.lock());
            c.queue.dequeue_locked(m_thread->m_sched);
        }
    }
    Plant(const Plant&) = delete;
    Plant& operator=(const Plant&) = delete;

private:
    static constexpr uint32_t kPlantedWord = 0x57AC4ED1;
    thread::Tcb* m_thread = nullptr;
    uint32_t* m_stack_limit = nullptr;
    unsigned m_cpu = 0;
    bool m_queued = false;
};

/// One look at everything, with the other CPUs stopped; the deepest kernel stack.
thread::StackDepth check_all(InvariantReport& report) {
    thread::StackDepth deepest;
    stop_other_cpus();
    {
        Plant plant;
        g_spaces.clear();
        deepest = thread::check_threads(report, g_spaces);
        if (!mm::try_audit_mappings(g_spaces, report))
            report.violation("the mapping database's lock is held: mappings not checked");
    }
    release_other_cpus();
    return deepest;
}

/// Lets the other CPUs run on for about a millisecond, answering their cross
/// calls meanwhile (one of them may wait for this CPU to finish an operation).
void let_others_run() {
    uint64_t hz = arch::cycles_per_second();
    smp::serve_calls_until([] { return false; }, arch::cycles() + (hz != 0 ? hz / 1000 : 1'000'000));
}

}  // namespace

uint32_t check_kernel() {
    smp::ServingCallsGuard guard(g_lock);
    const char* nonce = platform::boot_options().nonce;
    // A CPU may stop inside an operation it waits in (a TLB shootdown's cross
    // call), its objects half changed: what the first look finds must still be
    // there a moment later, after every CPU ran on, to be reported.
    InvariantReport first(nonce, false);
    thread::StackDepth deepest = check_all(first);
    InvariantReport report(nonce, true);
    if (first.violations() != 0) {
        let_others_run();
        deepest = check_all(report);
    }
    char owner[24];
    if (deepest.thread != 0) kstd::format_to(owner, sizeof owner, "thread %x", deepest.thread);
    else kstd::format_to(owner, sizeof owner, "an idle thread");
    kprintf("KCHECK %s done violations=%u threads=%u spaces=%u stack_max=%u (%s)\n", nonce, report.violations(),
            thread::threads_in_use(), g_spaces.count(), deepest.bytes, owner);
    return report.violations();
}

}  // namespace kcheck
