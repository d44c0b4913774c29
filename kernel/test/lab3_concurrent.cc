// lab3_concurrent.cc: Lab 3 self-test with TCB moves on every CPU at once.
//
// Every CPU owns two test threads and, each round, moves them to the node of
// another CPU (a different one each round), so shootdowns from several CPUs
// overlap and each CPU answers the others' while it waits for its own. Between
// moves every CPU reads every test thread through its slot: a page given back
// too early, a copy made too late or a translation left behind shows as a
// wrong id, a broken stack or poison. After each round each CPU checks that
// its threads lie on the node it moved them to; at the end every page is back.
//
// Progress lines, like lab2.all_cpus_at_once's, tell a slow run from a
// deadlock (the stage's hang limit).
#include "lib/console.h"
#include "test/ktest.h"
#include "test/round_barrier.h"
#include "test/lab3_support.h"

using namespace lab3;

namespace {

constexpr unsigned kPerCpu = 2;

unsigned rounds() {
    unsigned n = smp::online_count();
    unsigned r = 48 / (n == 0 ? 1 : n);
    return r < 6 ? 6 : r > 24 ? 24 : r;
}

struct Shared {
    Tcb* threads[platform::kMaxCpus][kPerCpu];
    api::Word numbers[platform::kMaxCpus][kPerCpu];
    unsigned cpus[platform::kMaxCpus];  // online CPUs in order
    unsigned count;
    unsigned rounds;
    unsigned arrived[2];
    unsigned moved;
    unsigned errors[platform::kMaxCpus];
    bool error_claimed;
    char first_error[160];
    unsigned finished;
};
Shared g;

// Waits for every online CPU at phase `phase` of this round (round_barrier.h).
void barrier(unsigned phase, unsigned round) { ktest::round_barrier(g.arrived[phase], round); }

void record(unsigned cpu, unsigned round, const char* what, unsigned number) {
    __atomic_fetch_add(&g.errors[cpu], 1, __ATOMIC_RELAXED);
    if (!__atomic_exchange_n(&g.error_claimed, true, __ATOMIC_ACQ_REL))
        kstd::format_to(g.first_error, sizeof(g.first_error), "round %u: cpu %u: test thread %x: %s", round, cpu,
                        number, what);
}

/// Reads every test thread's id through its slot (all CPUs' threads).
void read_all(unsigned cpu, unsigned round) {
    for (unsigned i = 0; i < g.count; ++i)
        for (unsigned k = 0; k < kPerCpu; ++k)
            if (g.threads[i][k]->m_global_id != api::ThreadId::global(g.numbers[i][k], 1))
                record(cpu, round, "read a wrong id through the slot", unsigned(g.numbers[i][k]));
}

void run_rounds(unsigned index) {
    unsigned cpu = arch::cpu_index();
    for (unsigned round = 0; round < g.rounds; ++round) {
        barrier(0, round);
        unsigned target = g.cpus[(index + round + 1) % g.count];
        for (unsigned k = 0; k < kPerCpu; ++k) {
            Tcb* tcb = g.threads[index][k];
            uint64_t frame = thread::tcb_frame(tcb);
            thread::place_tcb(tcb, cpu_node(target));
            if (thread::tcb_frame(tcb) != frame) __atomic_fetch_add(&g.moved, 1, __ATOMIC_RELAXED);
            read_all(cpu, round);
            smp::handle_cross_calls();
        }
        for (unsigned k = 0; k < kPerCpu; ++k) {
            Tcb* tcb = g.threads[index][k];
            if (pool_of(thread::tcb_frame(tcb)) != int(memory_node(cpu_node(target))))
                record(cpu, round, "does not lie on the node it was moved to", unsigned(g.numbers[index][k]));
            if (const char* what = damage(tcb, g.numbers[index][k]))
                record(cpu, round, what, unsigned(g.numbers[index][k]));
        }
        barrier(1, round);
        read_all(cpu, round);
    }
}

void other_cpu(void* arg) {
    run_rounds(unsigned(uintptr_t(arg)));
    __atomic_fetch_add(&g.finished, 1, __ATOMIC_RELEASE);
}

}  // namespace

KTEST(lab3_concurrent, "lab3.all_cpus_at_once") {
    unsigned me = arch::cpu_index();
    uint64_t before = free_kernel_bytes();
    g = Shared{};
    g.rounds = rounds();
    unsigned my_index = 0;
    for (unsigned cpu = 0; cpu < platform::machine_topology().num_cpus; ++cpu)
        if (smp::cpu_online(cpu)) {
            if (cpu == me) my_index = g.count;
            g.cpus[g.count++] = cpu;
        }
    api::Word number = kFirstTestNumber - 8;
    for (unsigned i = 0; i < g.count; ++i)
        for (unsigned k = 0; k < kPerCpu; ++k) {
            g.numbers[i][k] = number--;
            g.threads[i][k] = make_test_thread(g.numbers[i][k], cpu_node(g.cpus[i]));
            if (!t.check(g.threads[i][k] != nullptr, "no memory for test threads")) return;
        }
    unsigned others = 0;
    for (unsigned i = 0; i < g.count; ++i)
        if (g.cpus[i] != me)
            others += smp::call_on(g.cpus[i], other_cpu, reinterpret_cast<void*>(uintptr_t(i)), smp::Wait::No) ? 1 : 0;
    uint64_t second = arch::cycles_per_second();
    uint64_t start = arch::cycles();
    run_rounds(my_index);
    smp::serve_calls_until([others] { return __atomic_load_n(&g.finished, __ATOMIC_ACQUIRE) == others; });
    kprintf("lab3.all_cpus_at_once: %u rounds on %u cpus in %llu ms\n", g.rounds, g.count,
            (unsigned long long)((arch::cycles() - start) * 1000 / (second == 0 ? 1 : second)));
    for (unsigned cpu = 0; cpu < platform::kMaxCpus; ++cpu)
        t.check(g.errors[cpu] == 0, "%u errors on cpu %u; the first: %s", g.errors[cpu], cpu, g.first_error);
    for (unsigned i = 0; i < g.count; ++i)
        for (unsigned k = 0; k < kPerCpu; ++k) drop_test_thread(g.threads[i][k]);
    t.check(free_kernel_bytes() == before, "free kernel memory %llu after %u rounds, expected %llu",
            (unsigned long long)free_kernel_bytes(), g.rounds, (unsigned long long)before);
    t.evidence("rounds=%u cpus=%u moves=%u", g.rounds, g.count, g.moved);
}
