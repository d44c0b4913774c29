// main.cc: migratebench, the cost of one os::migrate_thread call (Lab 7, thesis 4.2.4):
// the main thread moves itself back and forth between two CPUs and times each one-way
// move with the time-stamp counter (l4/cycles.h), from its call to its pager until the
// answer reaches it on the new CPU.
//
//   case                   the two CPUs          on the NUMA OS each move (docs/numaos.md)
//   same_node              the first two of      changes CPU and pager (move_cpu_only)
//                          one node
//   other_node_new_space   CPU 0 and the first   makes a space on the target node (a
//                          of another node; no   dummy thread), moves into it, and ends
//                          other thread          the space it left (the last thread out)
//   other_node_joined      the same; a parked    moves into the parked thread's space
//                          thread on each,       there; the space it left stays (its
//                          asleep                parked thread is still in it)
//
// On the base OS every case only changes the CPU and the pager (one space per task).
// Cases run in that order: the parked threads (os has no way to end a thread) come last.
// A case the machine cannot have prints a skip line (no node with two CPUs; one node
// with CPUs). Each case makes one warm-up round trip, then `rounds` round trips; both
// moves of a round trip are measured. After every move the thread must run on the CPU
// it asked for (its UTCB's ProcessorNo). Arguments (os::args()):
//   rounds=N    measured round trips per case (default 50, at most kMaxRounds)
//
// Output, for scripts/bench/migrate.py: cycles per one-way move (under ICOUNT=1 guest
// instructions of all CPUs, docs/benchmarks.md), the median and least of the 2N moves
// and the median of each direction (there: from the first CPU to the second; back);
// faults: page faults the OS served for the task during the measured moves (each line
// under l4::printf's 255 characters):
//   MIGRATEBENCH config rounds=N cpus=C nodes=M same_node=0,1|none other_node=0,2|none
//   MIGRATEBENCH case=K nodes=M rounds=N cycles_median=... cycles_min=... there_median=...
//                back_median=... faults=F ok=1                           (one line)
//   MIGRATEBENCH skip case=K reason=no_node_with_two_cpus|one_node
//   MIGRATEBENCH error case=K reason=... cpu=X
// The exit code is 0 if every move went through and landed, 1 if one did not, 2 for bad
// arguments or a thread that could not be started.
#include "l4/cycles.h"
#include "l4/ipc.h"
#include "l4/message.h"
#include "l4/options.h"
#include "l4/print.h"
#include "l4/sort.h"
#include "l4/utcb.h"
#include "os/os.h"

namespace migratebench {

namespace {

using api::Word;

constexpr Word kMaxRounds = 500;
constexpr Word kDefaultRounds = 50;
constexpr Word kErrorLines = 8;  // the first failures are printed, the others counted
constexpr unsigned kNoCpu = ~0u;
constexpr unsigned kParkLimitMs = 60000;

Word g_failures;  ///< moves that were refused or did not land
Word g_parked;    ///< parked threads that reached their sleep

void fail(const char* name, const char* reason, unsigned cpu) {
    if (__atomic_add_fetch(&g_failures, 1, __ATOMIC_RELAXED) <= kErrorLines)
        l4::printf("MIGRATEBENCH error case=%s reason=%s cpu=%u\n", name, reason, cpu);
}

Word failures() { return __atomic_load_n(&g_failures, __ATOMIC_RELAXED); }

/// A parked thread: says it is there, then sleeps until the task ends. It never wakes,
/// so under -icount it adds no instructions to the main thread's measurements.
void park(Word) {
    __atomic_add_fetch(&g_parked, 1, __ATOMIC_RELEASE);
    l4::sleep_forever();
}

/// Moves the calling thread to `cpu`: the cycles the call took. A refused move, or one
/// after which the thread does not run on `cpu`, is a failure of case `name`.
uint64_t move_to(const char* name, unsigned cpu) {
    uint64_t start = l4::read_cycles();
    bool moved = os::migrate_thread(l4::my_global_id(), cpu);
    uint64_t cycles = l4::read_cycles() - start;
    if (!moved)
        fail(name, "migrate_refused", cpu);
    else if (l4::processor_no() != cpu)
        fail(name, "not_on_the_new_cpu", cpu);
    return cycles;
}

/// Case `name`: round trips between CPU `a` (where the thread goes first, unmeasured)
/// and CPU `b`; prints its result line unless a move failed.
void measure(const char* name, unsigned a, unsigned b, Word rounds) {
    static uint64_t there[kMaxRounds], back[kMaxRounds], both[2 * kMaxRounds];
    Word failures_before = failures();
    if (l4::processor_no() != a) (void)move_to(name, a);
    (void)move_to(name, b);  // the warm-up round trip
    (void)move_to(name, a);
    Word faults_before = os::task_info().page_faults;
    for (Word round = 0; round < rounds; ++round) {
        there[round] = both[2 * round] = move_to(name, b);
        back[round] = both[2 * round + 1] = move_to(name, a);
    }
    Word faults = os::task_info().page_faults - faults_before;
    if (failures() != failures_before) return;
    l4::sort_samples(there, unsigned(rounds));
    l4::sort_samples(back, unsigned(rounds));
    l4::sort_samples(both, unsigned(2 * rounds));
    l4::printf("MIGRATEBENCH case=%s nodes=%u rounds=%u cycles_median=%llu cycles_min=%llu there_median=%llu "
               "back_median=%llu faults=%u ok=1\n",
               name, os::node_count(), rounds, both[rounds], both[0], there[rounds / 2], back[rounds / 2], faults);
}

/// Starts a parked thread on each of `a` and `b` and waits until both sleep.
bool park_on(unsigned a, unsigned b) {
    if (os::create_thread(a, park, 0).is_nil() || os::create_thread(b, park, 0).is_nil()) return false;
    for (unsigned ms = 0; __atomic_load_n(&g_parked, __ATOMIC_ACQUIRE) < 2; ++ms) {
        if (ms == kParkLimitMs) return false;
        l4::sleep(l4::milliseconds(1));
    }
    return true;
}

}  // namespace

int run() {
    char text[16];
    Word rounds = kDefaultRounds;
    if (os::arg_value("rounds", text, sizeof text) &&
        (!l4::parse_number(text, &rounds) || rounds < 1 || rounds > kMaxRounds)) {
        l4::printf("MIGRATEBENCH error reason=bad_arguments args=\"%s\" (rounds=1..%u)\n", os::args(), kMaxRounds);
        return 2;
    }
    if (l4::processor_no() != 0 && !os::migrate_thread(l4::my_global_id(), 0)) {
        l4::printf("MIGRATEBENCH error reason=cannot_move_to_cpu_0\n");
        return 2;
    }
    // The first two CPUs of one node, and CPU 0 with the first CPU of another node.
    unsigned same_a = kNoCpu, same_b = kNoCpu, other = kNoCpu;
    for (unsigned b = 1; b < os::cpu_count(); ++b) {
        if (other == kNoCpu && os::node_of_cpu(b) != os::node_of_cpu(0)) other = b;
        for (unsigned a = 0; a < b && same_a == kNoCpu; ++a)
            if (os::node_of_cpu(a) == os::node_of_cpu(b)) same_a = a, same_b = b;
    }
    char same[24] = "none", across[24] = "none";
    if (same_a != kNoCpu) l4::snprintf(same, sizeof same, "%u,%u", same_a, same_b);
    if (other != kNoCpu) l4::snprintf(across, sizeof across, "0,%u", other);
    l4::printf("MIGRATEBENCH config rounds=%u cpus=%u nodes=%u same_node=%s other_node=%s\n", rounds,
               os::cpu_count(), os::node_count(), same, across);

    if (same_a != kNoCpu)
        measure("same_node", same_a, same_b, rounds);
    else
        l4::printf("MIGRATEBENCH skip case=same_node reason=no_node_with_two_cpus\n");
    if (other == kNoCpu) {
        l4::printf("MIGRATEBENCH skip case=other_node_new_space reason=one_node\n");
        l4::printf("MIGRATEBENCH skip case=other_node_joined reason=one_node\n");
    } else {
        measure("other_node_new_space", 0, other, rounds);
        if (!park_on(0, other)) {
            l4::printf("MIGRATEBENCH error case=other_node_joined reason=parked_threads_did_not_start\n");
            return 2;
        }
        measure("other_node_joined", 0, other, rounds);
    }
    Word failed = failures();
    if (failed > kErrorLines) l4::printf("MIGRATEBENCH error reason=%u_failures_in_all\n", failed);
    return failed == 0 ? 0 : 1;
}

}  // namespace migratebench

int main() { return migratebench::run(); }
