// main.cc: ipcbench, a root task that measures the cycles of an IPC round trip.
//
// The kernel starts it as module 1 (sigma0 is module 0), like the test root task. It
//   1. reads `rounds=` (measured round trips per case, default 20000) and `batches=`
//      (how many batches they are split into, default 10) from the kernel command line;
//   2. for each case below and each message size (0, 2, 8 and 63 untyped words),
//      starts an echo server (ping_pong.h) in the root task's own space (a local
//      thread) or in a new space, puts it on the main thread's CPU or on another with
//      Schedule, checks where it runs and that it echoes every word, and times Call
//      round trips to it from the main thread:
//        same_cpu_same_space    same_cpu_cross_space
//        cross_cpu_same_space   cross_cpu_cross_space
//      (the cross_cpu cases are skipped when the KIP says there is one CPU; the other
//      CPU is `remote_cpu=` if given, else the next one);
//   3. prints, for scripts/bench/run.py, what it will do, one line per measurement
//      (cycles per round trip: the median and the least of the batches' averages, and
//      the mean of all; the client's and the server's CPU), and a last line:
//        BENCH config cpus=N batches=B rounds_per_batch=R client_cpu=X remote_cpu=Y
//        BENCH ipc case=C words=W rounds=R cycles_per_rtt=MEDIAN min=M mean=A cpus=X,Y
//        BENCH skip case=C reason=one_cpu
//        BENCH fail case=C words=W reason=...
//        BENCH done measured=N failed=F
//      (the kernel prints kdebug output a line at a time, up to 255 characters);
//   4. measures what moving a thread between CPUs costs, within a node and across
//      nodes (migration.h: `moves=` per batch, default 100):
//        BENCH migrate case=same_node|cross_node moves=N cycles_per_move=MEDIAN ...;
//   5. ends the run: 0x10 (nothing failed) or 0x11 to the isa-debug-exit port 0xF4,
//      whose IO fpage it asks sigma0 for.
// The threads and spaces come from the test root task's machinery (userland/l4test:
// threads.h, test_space.h, pager.h), which ipcbench links.
#include "../l4test/boot_info.h"
#include "../l4test/pager.h"
#include "../l4test/test_space.h"
#include "../l4test/threads.h"
#include "l4/ipc.h"
#include "l4/kip.h"
#include "l4/options.h"
#include "l4/print.h"
#include "l4/run_end.h"
#include "l4/sigma0_client.h"
#include "l4/thread.h"
#include "l4/utcb.h"
#include "migration.h"
#include "ping_pong.h"

namespace ipcbench {

namespace {


constexpr Word kDefaultRounds = 20000;
constexpr Word kDefaultBatches = 10;
constexpr Word kDefaultMoves = 100;  // per batch, in measure_migrations
// 0, 8 and 63 are the sizes L4Ka::Pistachio's pingpong reports (scripts/bench/run.py
// sets them beside its figures); 2 is the base OS pingpong's message.
constexpr Word kMessageSizes[] = {0, 2, 8, 63};
static_assert([] {
    for (Word words : kMessageSizes)
        if (words > kMaxWords) return false;
    return true;
}());

struct Case {
    const char* name;
    bool cross_space;
    bool cross_cpu;
};

constexpr Case kCases[] = {
    {"same_cpu_same_space", false, false},
    {"same_cpu_cross_space", true, false},
    {"cross_cpu_same_space", false, true},
    {"cross_cpu_cross_space", true, true},
};

char g_cmdline[1024];

/// The decimal option `key=` from the command line, or `fallback`.
Word number_option(const char* key, Word fallback) {
    char value[16];
    if (!l4::find_option(g_cmdline, key, value, sizeof value) || value[0] == '\0') return fallback;
    Word number = 0;
    if (!l4::parse_number(value, &number)) {
        l4::printf("ipcbench: %s=%s is not a number; using %u\n", key, value, fallback);
        return fallback;
    }
    return number;
}

/// Settings of one run, from the command line and the KIP.
struct Run {
    Word rounds_per_batch;
    Word batches;
    Word client_cpu;
    Word remote_cpu;
    unsigned measured = 0;
    unsigned failed = 0;
};

/// One case with one message size: start the server, place it, measure, print.
/// The server (thread or space) is deleted on the way out.
void run_case(Run& run, const Case& c, Word words) {
    l4test::LocalThread local;
    l4test::TestSpace space;
    bool started = c.cross_space ? space.create(echo_server, 0) : local.start(echo_server, 0);
    if (!started) {
        l4::printf("BENCH fail case=%s words=%u reason=start:%s\n", c.name, words,
                   c.cross_space ? space.error() : local.error());
        ++run.failed;
        return;
    }
    ThreadId server = c.cross_space ? space.id() : local.id();
    Word cpu = c.cross_cpu ? run.remote_cpu : run.client_cpu;
    if (l4::set_processor(server, cpu) == l4::schedule_result::kError) {
        l4::printf("BENCH fail case=%s words=%u reason=Schedule-to-cpu-%u-ErrorCode-%u\n", c.name, words, cpu,
                   l4::error_code());
        ++run.failed;
        return;
    }
    Word seen = server_cpu(server);
    if (seen != cpu) {
        l4::printf("BENCH fail case=%s words=%u reason=server-on-cpu-%d-not-%u\n", c.name, words,
                   static_cast<int>(seen), cpu);
        ++run.failed;
        return;
    }
    RoundTripCycles cycles = measure_round_trips(server, words, run.batches, run.rounds_per_batch);
    if (cycles.echo_wrong) {
        l4::printf("BENCH fail case=%s words=%u reason=echo-not-intact\n", c.name, words);
        ++run.failed;
        return;
    }
    if (!cycles.ok) {
        l4::printf("BENCH fail case=%s words=%u reason=Call-failed-ErrorCode-%x\n", c.name, words, cycles.error_code);
        ++run.failed;
        return;
    }
    l4::printf("BENCH ipc case=%s words=%u rounds=%u cycles_per_rtt=%llu min=%llu mean=%llu cpus=%u,%u\n", c.name,
               words, run.rounds_per_batch * run.batches, cycles.median, cycles.min, cycles.mean,
               l4::processor_no(), seen);
    ++run.measured;
}

}  // namespace

void run_benchmarks() {
    l4test::remember_main_thread();
    if (!l4test::read_kernel_command_line(g_cmdline, sizeof g_cmdline)) g_cmdline[0] = '\0';
    Run run{};
    run.batches = number_option("batches", kDefaultBatches);
    if (run.batches == 0 || run.batches > kMaxBatches) run.batches = kDefaultBatches;
    Word rounds = number_option("rounds", kDefaultRounds);
    run.rounds_per_batch = rounds / run.batches != 0 ? rounds / run.batches : 1;
    Word cpus = l4::processor_count();
    run.client_cpu = l4::processor_no();
    run.remote_cpu = number_option("remote_cpu", (run.client_cpu + 1) % cpus);
    l4::printf("BENCH config cpus=%u batches=%u rounds_per_batch=%u client_cpu=%u remote_cpu=%u\n", cpus,
               run.batches, run.rounds_per_batch, run.client_cpu, run.remote_cpu);
    l4::printf("ipcbench: cycles are rdtsc differences on the client's CPU\n");

    const char* pager_error = "";
    bool pager_ok = l4test::start_pager(&pager_error);
    if (!pager_ok) l4::printf("ipcbench: no pager for the cross-space cases: %s\n", pager_error);
    for (const Case& c : kCases) {
        if (c.cross_cpu && cpus < 2) {
            l4::printf("BENCH skip case=%s reason=one_cpu\n", c.name);
            continue;
        }
        if (c.cross_cpu && (run.remote_cpu >= cpus || run.remote_cpu == run.client_cpu)) {
            l4::printf("BENCH fail case=%s words=- reason=remote_cpu-%u-is-not-another-cpu\n", c.name,
                       run.remote_cpu);
            ++run.failed;
            continue;
        }
        if (c.cross_space && !pager_ok) {
            l4::printf("BENCH fail case=%s words=- reason=no-pager\n", c.name);
            ++run.failed;
            continue;
        }
        for (Word words : kMessageSizes) run_case(run, c, words);
    }
    run.failed += measure_migrations(run.batches, number_option("moves", kDefaultMoves));
    l4::printf("BENCH done measured=%u failed=%u\n", run.measured, run.failed);
    l4::end_run("ipcbench", run.failed == 0 ? l4::kRunPassed : l4::kRunFailed);
}

}  // namespace ipcbench

int main() {
    ipcbench::run_benchmarks();
    return 0;
}
