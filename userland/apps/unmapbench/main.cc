// main.cc: unmapbench, the cost of a global unmap (thesis 5.4.2, Figure 5.17): a thread
// on node 0 touches pages and calls its pager's unmap, which must take the pages from
// the task on every node where the task runs.
//
// One thread per NUMA node that has a CPU, on that node's first CPU: the main thread on
// CPU 0 and a reader on each other node (on a one-node machine the main thread alone).
// Each round:
//   1. every thread reads the pages: they must read 0 (the last round's unmap took the
//      pages away on every node), and the task is now active on every node;
//   2. the main thread writes the pages and calls os::unmap(pages, Unmap), timed with
//      the time-stamp counter (l4/cycles.h); the answer must say that every page was
//      held and dirty.
// The threads meet at a barrier in global memory (barrier.h) between the steps; the
// readers sleep there while the main thread measures. One round before the measured
// ones warms up the code paths. Arguments (os::args()):
//   rounds=N    measured rounds (default 50, at most kMaxRounds)
//   pages=K     pages per unmap call (default 1, at most os::kMaxUnmapPages)
//
// Output, for scripts/bench/unmap.py (cycles per unmap call; under ICOUNT=1 guest
// instructions of all CPUs, docs/benchmarks.md):
//   UNMAPBENCH config pages=K rounds=R nodes=N cpus=0,2,...
//   UNMAPBENCH pages=K nodes=N rounds=R cycles_median=... cycles_mean=... cycles_min=... ok=1
//   UNMAPBENCH error reason=...
// The exit code is 0 if every check passed, 1 if one failed, 2 for bad arguments or a
// thread that could not be started.
#include "barrier.h"
#include "l4/cycles.h"
#include "l4/options.h"
#include "l4/print.h"
#include "l4/sort.h"
#include "l4/utcb.h"
#include "os/eval_phases.h"
#include "os/os.h"

namespace unmapbench {

namespace {

using os::kPageSize;

constexpr Word kMaxRounds = 1000;
constexpr Word kDefaultRounds = 50;
constexpr unsigned kMaxNodes = 16;
constexpr Word kErrorLines = 8;  // the first failures are printed, the others counted

// Set by the main thread before it starts the readers; read-only afterwards.
Word g_base;    ///< the first page
Word g_pages;   ///< pages per unmap call
Word g_rounds;  ///< rounds, the warm-up round included

Barrier g_barrier;
Word g_failures;  ///< checks that failed, in any thread

Word number_arg(const char* key, Word fallback, Word low, Word high, bool* ok) {
    char text[16];
    Word value = fallback;
    if (os::arg_value(key, text, sizeof text) && (!l4::parse_number(text, &value) || value < low || value > high))
        *ok = false;
    return value;
}

void fail(const char* reason) {
    if (__atomic_add_fetch(&g_failures, 1, __ATOMIC_RELAXED) <= kErrorLines)
        l4::printf("UNMAPBENCH error reason=%s\n", reason);
}

volatile Word& word_of(Word page) { return *reinterpret_cast<volatile Word*>(g_base + page * kPageSize); }

/// Step 1: the pages read 0 here.
void read_pages() {
    for (Word page = 0; page < g_pages; ++page) {
        if (word_of(page) != 0) {
            fail("a_page_kept_its_value_after_unmap");
            return;
        }
    }
}

/// Waits number `pass` of the calling thread at the barrier; false (and an error) if
/// the others did not come.
bool meet(Word pass) {
    if (g_barrier.wait(pass)) return true;
    fail("barrier_timeout");
    return false;
}

/// A reader: step 1 of every round, then waits while the main thread does step 2.
void reader(Word) {
    for (Word round = 0; round < g_rounds; ++round) {
        if (!meet(2 * round + 1)) return;
        read_pages();
        if (!meet(2 * round + 2)) return;
    }
}

/// Step 2: writes the pages, unmaps them; the cycles the unmap call took.
uint64_t write_and_unmap(Word round) {
    for (Word page = 0; page < g_pages; ++page) word_of(page) = round + 1;
    os::UnmapStatus status;
    uint64_t start = l4::read_cycles();
    if (round != 0) numaprof_begin(os::eval::kUnmapbenchPhase);  // measured rounds only
    bool done = os::unmap(g_base, g_pages, os::UnmapHow::Unmap, &status);
    if (round != 0) numaprof_end(os::eval::kUnmapbenchPhase);
    uint64_t cycles = l4::read_cycles() - start;
    if (!done) {
        fail("unmap_refused");
        return cycles;
    }
    for (unsigned page = 0; page < g_pages; ++page)
        if (!os::page_bit(status.held, page) || !os::page_bit(status.dirty, page)) {
            fail("a_written_page_not_reported_held_and_dirty");
            break;
        }
    return cycles;
}

}  // namespace

int run() {
    bool args_ok = true;
    Word rounds = number_arg("rounds", kDefaultRounds, 1, kMaxRounds, &args_ok);
    g_pages = number_arg("pages", 1, 1, os::kMaxUnmapPages, &args_ok);
    if (!args_ok) {
        l4::printf("UNMAPBENCH error reason=bad_arguments args=\"%s\" (rounds=1..%u pages=1..%u)\n", os::args(),
                   kMaxRounds, os::kMaxUnmapPages);
        return 2;
    }
    g_rounds = rounds + 1;
    g_base = (os::heap_start() + kPageSize - 1) / kPageSize * kPageSize;
    if (l4::processor_no() != 0 && !os::migrate_thread(l4::my_global_id(), 0)) {
        l4::printf("UNMAPBENCH error reason=cannot_move_to_cpu_0\n");
        return 2;
    }

    // The first CPU of every node that has one: CPU 0's node first (the main thread).
    unsigned cpus[kMaxNodes] = {0};
    unsigned nodes = 1;
    for (unsigned cpu = 1; cpu < os::cpu_count() && nodes < kMaxNodes; ++cpu) {
        bool seen = false;
        for (unsigned n = 0; n < nodes; ++n) seen = seen || os::node_of_cpu(cpus[n]) == os::node_of_cpu(cpu);
        if (!seen) cpus[nodes++] = cpu;
    }
    char cpu_list[4 * kMaxNodes] = "0";
    for (unsigned n = 1, at = 1; n < nodes; ++n)
        at += static_cast<unsigned>(l4::snprintf(cpu_list + at, sizeof cpu_list - at, ",%u", cpus[n]));
    l4::printf("UNMAPBENCH config pages=%u rounds=%u nodes=%u cpus=%s\n", g_pages, rounds, nodes, cpu_list);

    g_barrier.init(nodes);
    for (unsigned n = 1; n < nodes; ++n) {
        if (os::create_thread(cpus[n], reader, n).is_nil()) {
            l4::printf("UNMAPBENCH error reason=create_thread_on_cpu_%u_failed\n", cpus[n]);
            return 2;
        }
    }

    static uint64_t cycles[kMaxRounds];
    uint64_t sum = 0;
    for (Word round = 0; round < g_rounds; ++round) {
        if (!meet(2 * round + 1)) break;
        read_pages();
        if (!meet(2 * round + 2)) break;
        uint64_t took = write_and_unmap(round);
        if (round == 0) continue;  // the warm-up
        cycles[round - 1] = took;
        sum += took;
    }
    Word failures = __atomic_load_n(&g_failures, __ATOMIC_RELAXED);
    if (failures > kErrorLines) l4::printf("UNMAPBENCH error reason=%u_failures_in_all\n", failures);
    bool ok = failures == 0;
    if (ok) {
        l4::sort_samples(cycles, unsigned(rounds));
        l4::printf("UNMAPBENCH pages=%u nodes=%u rounds=%u cycles_median=%llu cycles_mean=%llu cycles_min=%llu ok=1\n",
                   g_pages, nodes, rounds, cycles[rounds / 2], sum / rounds, cycles[0]);
    }
    return ok ? 0 : 1;
}

}  // namespace unmapbench

int main() { return unmapbench::run(); }
