// main.cc: pingpong, the thesis's IPC benchmark (5.3) as a program of the baseline OS.
//
// Two threads send each other messages; pingpong reports the cycles per IPC (half of
// a Call + ReplyWait round trip, echo.h) for each case:
//
//   case                     the echo server is                    placed with
//   intra_space_same_cpu     a thread of this task, client's CPU   os::create_thread
//   intra_space_cross_cpu    ... another CPU of the client's node  os::create_thread
//   intra_space_cross_node   ... a CPU of another node             os::create_thread
//   inter_space_same_cpu     the main thread of a second pingpong  os::spawn, then
//   inter_space_cross_cpu      task, started with the argument       os::migrate_thread
//   inter_space_cross_node     "server", on the CPUs above           (by the server on
//                                                                   the client's request)
//
// A case the machine cannot have (one CPU, one node) prints a skip line. The server
// answers where it runs before the measurement, so a thread that is not where the case
// wants it is an error, not a wrong number. Arguments (os::args()):
//   server           (the whole argument string) be the server task that pingpong
//                    spawns: serve until asked to stop, then exit with 0
//   rounds=N         measured round trips per case (default 10000)
//   batches=N        they are split into N batches (default 10, at most 64)
//   client_cpu=N     first move the client there (the thesis measured on node 1)
//
// Output, for scripts/bench/run.py (each line under kdebug's 255 characters):
//   PINGPONG config cpus=C nodes=N rounds=R batches=B client_cpu=X client_node=Y per_ipc=half_rtt
//   PINGPONG case=K rounds=R cycles_per_ipc=MEDIAN min=M mean=A cpus=X,S nodes=Y,T
//   PINGPONG skip case=K reason=one_cpu|one_node|no_other_cpu_on_node
//   PINGPONG error case=K reason=... (a failed Call, a wrong answer, a misplaced server)
//   PINGPONG done measured=N failed=F
// (MEDIAN and M are over the batches' averages, A over all rounds.) main's result, the
// exit code, is 0 when nothing failed, else 1.
#include "api/thread_id.h"
#include "echo.h"
#include "l4/options.h"
#include "l4/print.h"
#include "l4/string.h"
#include "l4/utcb.h"
#include "os/os.h"

namespace pingpong {

namespace {

constexpr Word kDefaultRounds = 10000;
constexpr Word kDefaultBatches = 10;
constexpr Word kNoCpu = ~Word{0};

enum class Placement { SameCpu, CrossCpu, CrossNode };

struct Case {
    const char* name;
    bool cross_space;
    Placement where;
};

// Their order gives each case its numaprof phase (os/eval_phases.h).
constexpr Case kCases[] = {
    {"intra_space_same_cpu", false, Placement::SameCpu},
    {"intra_space_cross_cpu", false, Placement::CrossCpu},
    {"intra_space_cross_node", false, Placement::CrossNode},
    {"inter_space_same_cpu", true, Placement::SameCpu},
    {"inter_space_cross_cpu", true, Placement::CrossCpu},
    {"inter_space_cross_node", true, Placement::CrossNode},
};

/// The decimal value of argument `key=`, or `fallback` (also when it is no number).
Word number_option(const char* key, Word fallback) {
    char text[16];
    if (!os::arg_value(key, text, sizeof text) || text[0] == '\0') return fallback;
    Word value = 0;
    return l4::parse_number(text, &value) ? value : fallback;
}

/// The server's CPU for a placement, or kNoCpu (with the reason) if this machine has none.
Word pick_cpu(Placement where, Word client_cpu, const char** reason) {
    unsigned cpus = os::cpu_count();
    unsigned node = os::node_of_cpu(client_cpu);
    if (where == Placement::SameCpu) return client_cpu;
    if (cpus < 2) {
        *reason = "one_cpu";
        return kNoCpu;
    }
    if (where == Placement::CrossNode && os::node_count() < 2) {
        *reason = "one_node";
        return kNoCpu;
    }
    for (unsigned cpu = 0; cpu < cpus; ++cpu) {
        bool same_node = os::node_of_cpu(cpu) == node;
        if (cpu != client_cpu && same_node == (where == Placement::CrossCpu)) return cpu;
    }
    *reason = "no_other_cpu_on_node";
    return kNoCpu;
}

struct Run {
    Word rounds_per_batch;
    Word batches;
    Word client_cpu;
    ThreadId server_task = ThreadId::nil();  ///< the spawned server, once the first inter_space case needs it
    unsigned measured = 0;
    unsigned failed = 0;
};

/// The server for case `c` on `cpu`: a new thread, or the server task, which moves its
/// thread there itself (the OS moves only a task's own threads).
ThreadId place_server(Run& run, const Case& c, Word cpu) {
    if (!c.cross_space) {
        ThreadId thread = os::create_thread(cpu, serve, 0);
        if (thread.is_nil()) l4::printf("PINGPONG error case=%s reason=create_thread_on_cpu_%u_failed\n", c.name, cpu);
        return thread;
    }
    if (run.server_task.is_nil()) {
        run.server_task = os::spawn("pingpong", "server");
        if (run.server_task.is_nil()) {
            l4::printf("PINGPONG error case=%s reason=spawn_failed\n", c.name);
            return ThreadId::nil();
        }
    }
    Word moved = move_server(run.server_task, cpu);
    if (moved != cpu) {
        l4::printf("PINGPONG error case=%s reason=server_task_not_moved_to_cpu_%u(on_%d)\n", c.name, cpu,
                   static_cast<int>(moved));
        return ThreadId::nil();
    }
    return run.server_task;
}

void run_case(Run& run, const Case& c) {
    const char* reason = "";
    Word cpu = pick_cpu(c.where, run.client_cpu, &reason);
    if (cpu == kNoCpu) {
        l4::printf("PINGPONG skip case=%s reason=%s\n", c.name, reason);
        return;
    }
    ++run.failed;  // until the case is measured
    ThreadId server = place_server(run, c, cpu);
    if (server.is_nil()) return;
    Word seen = server_cpu(server);
    if (seen != cpu) {
        l4::printf("PINGPONG error case=%s reason=server_on_cpu_%d_not_%u\n", c.name, static_cast<int>(seen), cpu);
        return;
    }
    Measurement m = measure(server, run.batches, run.rounds_per_batch, unsigned(&c - kCases));
    if (!c.cross_space && !stop_server(server))
        l4::printf("PINGPONG note case=%s server_thread_did_not_stop\n", c.name);
    if (!m.ok && m.error_code != 0) {
        l4::printf("PINGPONG error case=%s reason=call_failed round=%u error_code=0x%x\n", c.name, m.failed_round,
                   m.error_code);
        return;
    }
    if (!m.ok) {
        l4::printf("PINGPONG error case=%s reason=wrong_answer round=%u got=0x%x,0x%x expected=0x%x,0x%x\n", c.name,
                   m.failed_round, m.got[0], m.got[1], m.expected[0], m.expected[1]);
        return;
    }
    l4::printf("PINGPONG case=%s rounds=%u cycles_per_ipc=%llu min=%llu mean=%llu cpus=%u,%u nodes=%u,%u\n", c.name,
               run.rounds_per_batch * run.batches, m.median / 2, m.min / 2, m.mean / 2, run.client_cpu, seen,
               os::node_of_cpu(run.client_cpu), os::node_of_cpu(seen));
    --run.failed;
    ++run.measured;
}

int client() {
    Run run{};
    run.batches = number_option("batches", kDefaultBatches);
    if (run.batches == 0 || run.batches > kMaxBatches) run.batches = kDefaultBatches;
    Word rounds = number_option("rounds", kDefaultRounds);
    run.rounds_per_batch = rounds / run.batches != 0 ? rounds / run.batches : 1;
    Word wanted_cpu = number_option("client_cpu", kNoCpu);
    bool moved = wanted_cpu == kNoCpu || os::migrate_thread(l4::my_global_id(), unsigned(wanted_cpu));
    if (!moved || (wanted_cpu != kNoCpu && l4::processor_no() != wanted_cpu)) {
        l4::printf("PINGPONG error case=- reason=client_not_moved_to_cpu_%u\n", wanted_cpu);
        return 1;
    }
    run.client_cpu = l4::processor_no();
    l4::printf("PINGPONG config cpus=%u nodes=%u rounds=%u batches=%u client_cpu=%u client_node=%u per_ipc=half_rtt\n",
               os::cpu_count(), os::node_count(), run.rounds_per_batch * run.batches, run.batches, run.client_cpu,
               os::node_of_cpu(run.client_cpu));
    for (const Case& c : kCases) run_case(run, c);
    if (!run.server_task.is_nil() && !stop_server(run.server_task)) {
        l4::printf("PINGPONG error case=- reason=server_task_did_not_stop\n");
        ++run.failed;
    }
    l4::printf("PINGPONG done measured=%u failed=%u\n", run.measured, run.failed);
    return run.failed == 0 ? 0 : 1;
}

}  // namespace

}  // namespace pingpong

int main() {
    if (strcmp(os::args(), "server") == 0) {
        pingpong::serve(0);
        return 0;
    }
    return pingpong::client();
}
