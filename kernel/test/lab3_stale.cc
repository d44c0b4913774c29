// lab3_stale.cc: Lab 3 self-test: no CPU reads a moved TCB's old page.
//
// Every other CPU reads a test thread through its slot without pause while the
// CPU running the test moves it from node to node. Half of the readers keep
// the slot's translation in their TLB ("warm"): after a move returns, one that
// was not made to forget it still reads the old page. The other half forget it
// before every read ("cold"): they see the slot's page as soon as it is
// pointed at the new page, so a page pointed at before it holds the copy shows
// up. After each move the mover writes a new mark into the thread (in the new
// page) and only then publishes the round: a reader that sees the round but
// an older mark read the old page. Readers answer cross calls only every
// kServeEvery reads, so a move that does not wait for every acknowledgement
// returns while readers still hold the old translation; a page given back
// before the shootdown shows as poison.
#include "arch/mmu.h"
#include "lib/console.h"
#include "test/ktest.h"
#include "test/lab3_support.h"

using namespace lab3;

namespace {

constexpr unsigned kServeEvery = 4096;

struct Shared {
    Tcb* tcb;
    api::Word number;
    unsigned round;      // published after the mark of that round is written
    bool done;
    unsigned finished;
    unsigned errors[platform::kMaxCpus];
    bool error_claimed;
    char first_error[160];
};
Shared g;

void record(unsigned cpu, const char* fmt, unsigned a, unsigned b) {
    __atomic_fetch_add(&g.errors[cpu], 1, __ATOMIC_RELAXED);
    if (!__atomic_exchange_n(&g.error_claimed, true, __ATOMIC_ACQ_REL))
        kstd::format_to(g.first_error, sizeof(g.first_error), fmt, cpu, a, b);
}

volatile api::Word& mark(Tcb* tcb) { return reinterpret_cast<volatile api::Word&>(tcb->m_kmsg[0]); }

void reader(void*) {
    unsigned cpu = arch::cpu_index();
    bool cold = cpu % 2 == 1;
    unsigned reads = 0;
    while (!__atomic_load_n(&g.done, __ATOMIC_ACQUIRE)) {
        if (++reads % kServeEvery == 0) smp::handle_cross_calls();
        unsigned round = __atomic_load_n(&g.round, __ATOMIC_ACQUIRE);
        if (cold) arch::flush_tlb_page(uintptr_t(g.tcb));
        api::Word seen = mark(g.tcb);
        api::ThreadId id = g.tcb->m_global_id;
        if (id != api::ThreadId::global(g.number, 1)) {
            record(cpu, "cpu %u read id %x through the slot in round %u (the old page was given back before "
                   "every CPU forgot it, or the slot named the new page before the copy)", id.raw(), round);
            break;
        }
        if (seen < round) {
            record(cpu, "cpu %u read mark %u in round %u: it still reads the old page after the move returned "
                   "(shoot_down_tcb must reach every CPU and wait for each)", unsigned(seen), round);
            break;
        }
    }
    // Drain what was asked of us while we were reading.
    smp::handle_cross_calls();
    __atomic_fetch_add(&g.finished, 1, __ATOMIC_RELEASE);
}

unsigned rounds() { return num_nodes() > 1 ? 96 : 8; }

}  // namespace

KTEST(lab3_stale, "lab3.no_stale_translation") {
    unsigned me = arch::cpu_index();
    g = Shared{};
    g.number = kFirstTestNumber - 3;
    uint64_t before = free_kernel_bytes();
    g.tcb = make_test_thread(g.number, cpu_node(me));
    if (!t.check(g.tcb != nullptr, "no memory for a test thread")) return;
    unsigned others = 0;
    for (unsigned cpu = 0; cpu < platform::machine_topology().num_cpus; ++cpu)
        if (cpu != me && smp::cpu_online(cpu)) others += smp::call_on(cpu, reader, nullptr, smp::Wait::No) ? 1 : 0;
    // The nodes the thread hops between: each online CPU's in turn.
    unsigned cpus[platform::kMaxCpus];
    unsigned count = 0;
    for (unsigned cpu = 0; cpu < platform::machine_topology().num_cpus; ++cpu)
        if (smp::cpu_online(cpu)) cpus[count++] = cpu;
    unsigned moved = 0;
    uint64_t second = arch::cycles_per_second();
    uint64_t next_report = arch::cycles() + second;
    for (unsigned round = 1; round <= rounds(); ++round) {
        uint64_t frame = thread::tcb_frame(g.tcb);
        thread::place_tcb(g.tcb, cpu_node(cpus[round % count]));
        moved += thread::tcb_frame(g.tcb) != frame ? 1 : 0;
        mark(g.tcb) = round;
        __atomic_store_n(&g.round, round, __ATOMIC_RELEASE);
        // Give the readers time to look before the next move.
        for (unsigned spin = 0; spin < 2000; ++spin) arch::cpu_relax();
        if (__atomic_load_n(&g.error_claimed, __ATOMIC_ACQUIRE)) break;
        if (arch::cycles() >= next_report) {
            kprintf("lab3.no_stale_translation: %u of %u rounds done\n", round, rounds());
            next_report = arch::cycles() + second;
        }
    }
    __atomic_store_n(&g.done, true, __ATOMIC_RELEASE);
    smp::serve_calls_until([others] { return __atomic_load_n(&g.finished, __ATOMIC_ACQUIRE) == others; });
    for (unsigned cpu = 0; cpu < platform::kMaxCpus; ++cpu)
        t.check(g.errors[cpu] == 0, "%u errors on cpu %u; the first: %s", g.errors[cpu], cpu, g.first_error);
    const char* what = damage(g.tcb, g.number);
    t.check(what == nullptr, "after the moves %s", what != nullptr ? what : "");
    drop_test_thread(g.tcb);
    t.check(free_kernel_bytes() == before, "free kernel memory %llu after the test, expected %llu",
            (unsigned long long)free_kernel_bytes(), (unsigned long long)before);
    t.evidence("moves=%u readers=%u", moved, others);
}
