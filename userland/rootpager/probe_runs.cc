// probe_runs.cc: running numaprobe for a test and reading its spaces from the kernel
// (probe_runs.h).
//
// One probe run, numbered as below:
//
//   root pager's test thread                   numaprobe (thread i on CPU i)
//   (1) spawn it at the pager of CPU c  ---->  its master node is CPU c's node; it starts
//                                              a thread on every CPU, they touch pages
//   (2) receive from its main thread    <----  (3) inspect(report), the threads waiting
//   (4) read, for each thread i and page p of the report, the frame behind p in i's
//       space (physical_in_space) and the node of i's space (space_home_node)
//   (5) answer 1 (go on) or 0 (stop)    ---->  the threads go on, or the probe exits
//   (6) wait until the task ended: it exited with 0 if System::failed_tasks did not grow
//
// A frame is where it must be when it lies on the pool a space's node allocates from:
// nearest_with_memory(node), the node itself when it has memory. Threads of one node
// share one space, so they see one frame by construction; what the tests compare is the
// spaces of different nodes.
#include "probe_runs.h"

#include "l4/ipc.h"
#include "l4/kdebug.h"
#include "l4/kip.h"
#include "l4/message.h"
#include "l4/print.h"
#include "l4/rpc.h"
#include "l4/string.h"
#include "l4/system.h"
#include "l4/test_runner.h"
#include "l4/utcb.h"
#include "numa/pool.h"
#include "os/protocol.h"
#include "test_support.h"

namespace rootpager {

using api::MsgTag;
using l4::tests::fail;
using numa::ProbeExit;

namespace {

constexpr uint64_t kQuietLimitUs = 120'000'000;  // the probe lives but has not reported for so long
constexpr unsigned kPollMs = 100;
constexpr unsigned kReplyMs = 1000;
constexpr unsigned kEndLimitMs = 60000;

/// The probe run being served (one at a time, by the test thread).
struct ProbeRun {
    Inspector inspect;
    unsigned threads;  ///< how many the report must name: one per CPU, at most 16
    Word last_phase;   ///< the last phase reported
    Word gave_up;      ///< the exit code of a phase-0 report, else kNone
    bool verdict;      ///< false once a check failed
    const char* outcome;  ///< how the run went wrong, in a few words; null: it passed
    bool threads_move;    ///< the mode moves its threads (Lab 7): thread i need not be on CPU i's node
};
ProbeRun g_run;
l4::rpc::Server g_server;
bool g_server_ready;

}  // namespace

unsigned number_of(const ProbeReport& r, unsigned i) { return unsigned(r.threads[i].number()); }
unsigned space_node(const ProbeReport& r, unsigned i) { return l4::kdebug::space_home_node(number_of(r, i)); }
Word page_address(const ProbeReport& r, Word page) { return r.base + page * kPageSize; }

/// The frame behind page `page` of the report in thread i's space, kNone if none.
Word frame_of(const ProbeReport& r, unsigned i, Word page) {
    Word physical = l4::kdebug::physical_in_space(number_of(r, i), unsigned(page_address(r, page)));
    return physical == kNone ? kNone : physical & ~(kPageSize - 1);
}

/// Thread i's space maps page `page` with a frame on the pool of the space's node.
bool on_own_pool(const ProbeReport& r, unsigned i, Word page, Word* frame) {
    unsigned node = space_node(r, i), want = nearest_with_memory(node);
    *frame = frame_of(r, i, page);
    if (*frame == kNone)
        return fail("phase %u: page %x: thread %u's space (node %u) maps nothing", unsigned(r.phase),
                    page_address(r, page), i, node);
    unsigned on = l4::node_of_physical(*frame);
    if (on != want)
        return fail("phase %u: page %x: thread %u's space (node %u) maps frame %x, on node %d, not %u",
                    unsigned(r.phase), page_address(r, page), i, node, *frame, int(on), want);
    return true;
}

/// Every thread's space maps every page of the report with one and the same frame, from
/// the pool of one of the nodes whose threads faulted on it.
bool one_frame_everywhere(const ProbeReport& r) {
    for (Word p = 0; p < r.pages; ++p) {
        Word first = frame_of(r, 0, p);
        bool from_a_faulting_node = false;
        for (unsigned i = 0; i < r.thread_count; ++i) {
            Word frame = frame_of(r, i, p);
            if (frame != first || frame == kNone)
                return fail("phase %u: page %x: thread 0's space (node %u) maps %x, thread %u's (node %u) %x",
                            unsigned(r.phase), page_address(r, p), space_node(r, 0), first, i, space_node(r, i),
                            frame);
            from_a_faulting_node |= l4::node_of_physical(frame) == nearest_with_memory(space_node(r, i));
        }
        if (!from_a_faulting_node)
            return fail("phase %u: page %x: frame %x lies on node %d, no faulting space's pool", unsigned(r.phase),
                        page_address(r, p), first, int(l4::node_of_physical(first)));
    }
    return true;
}

/// Every page of the report: one frame per node, on that node's pool; spaces of one
/// node share it, spaces of different nodes have different frames (even when two nodes
/// allocate from one pool, on a memoryless machine).
bool one_frame_per_node(const ProbeReport& r) {
    for (Word p = 0; p < r.pages; ++p) {
        Word frames[numa::kProbeMaxThreads];
        for (unsigned i = 0; i < r.thread_count; ++i) {
            if (!on_own_pool(r, i, p, &frames[i])) return false;
            for (unsigned j = 0; j < i; ++j) {
                bool same_node = space_node(r, i) == space_node(r, j);
                if (same_node != (frames[i] == frames[j]))
                    return fail("phase %u: page %x: threads %u (node %u) and %u (node %u) map %x and %x",
                                unsigned(r.phase), page_address(r, p), j, space_node(r, j), i, space_node(r, i),
                                frames[j], frames[i]);
            }
        }
    }
    return true;
}

bool no_probe_failures(const ProbeReport& r) {
    if (r.failures == 0) return true;
    return fail("phase %u: the probe's threads read %u wrong value(s) at %x", unsigned(r.phase), unsigned(r.failures),
                r.base);
}



namespace {

/// What every report must be: the probe's threads, one per CPU, thread i in a space on
/// CPU i's node (a space per node, made there) unless the mode moves them; whole pages.
bool sane(const ProbeReport& r) {
    if (r.thread_count != g_run.threads)
        return fail("phase %u: the report names %u threads for %u CPUs", unsigned(r.phase), unsigned(r.thread_count),
                    g_run.threads);
    if (r.base % kPageSize != 0 || r.pages == 0 || r.pages > 1024)
        return fail("phase %u: the report's %u pages at %x", unsigned(r.phase), unsigned(r.pages), r.base);
    for (unsigned i = 0; i < r.thread_count && !g_run.threads_move; ++i)
        if (space_node(r, i) != l4::processor_node(i))
            return fail("phase %u: thread %u (%x, CPU %u) lives in a space on node %d, not %u", unsigned(r.phase), i,
                        r.threads[i].raw(), i, int(space_node(r, i)), l4::processor_node(i));
    return true;
}

l4::rpc::Reply<Word> on_inspect(ThreadId, ProbeReport report) {
    if (report.phase == 0) {
        g_run.gave_up = report.failures;
        return Word{0};
    }
    g_run.last_phase = report.phase;
    if (g_run.verdict && !(sane(report) && g_run.inspect(report))) g_run.verdict = false;
    return Word{g_run.verdict ? 1u : 0u};
}

const char* exit_text(Word code) {
    switch (ProbeExit(code)) {
    case ProbeExit::Passed: return "it passed";
    case ProbeExit::BadArguments: return "bad arguments";
    case ProbeExit::NoThread: return "the OS refused a thread";
    case ProbeExit::MakeLocalRefused: return "the OS refused make_local";
    case ProbeExit::ChecksFailed: return "values were wrong";
    case ProbeExit::Stopped: return "the test said stop";
    case ProbeExit::NoInspector: return "it could not report";
    case ProbeExit::BarrierTimeout: return "a thread did not reach a barrier";
    }
    return "no known reason";
}

unsigned failed_tasks() { return __atomic_load_n(&tested_system().failed_tasks, __ATOMIC_ACQUIRE); }

/// (2) to (5): serves `probe`'s reports until its phase `phases`, a phase-0 report, its
/// end, or kQuietLimitUs without a report.
void serve_reports(ThreadId probe, Word phases, const char* args) {
    uint64_t quiet_since = l4::system_clock();
    while (g_run.last_phase < phases && g_run.gave_up == kNone) {
        ThreadId from;
        MsgTag tag = l4::receive(probe, &from, l4::milliseconds(kPollMs));
        if (!l4::ipc_failed(tag)) {
            if (g_server.handle(from, tag)) (void)l4::send(from, l4::milliseconds(kReplyMs));
            quiet_since = l4::system_clock();
            continue;
        }
        if (live_tasks() == 0) return;  // it ended, or was killed, before its next report
        if (l4::system_clock() - quiet_since > kQuietLimitUs) {
            g_run.verdict = fail("'numaprobe %s' sent no report for %u s", args, unsigned(kQuietLimitUs / 1000000));
            return;
        }
    }
}

/// (6) without fail(): true once no task is alive.
bool probe_ended() {
    for (unsigned ms = 0; live_tasks() != 0; ms += 10) {
        if (ms >= kEndLimitMs) return false;
        l4::sleep(l4::milliseconds(10));
    }
    return true;
}

/// (6) How a run went wrong, in a few words; null if every report came and the probe
/// exited with code 0.
const char* trouble(Word phases, bool ended, unsigned failed_before) {
    if (!g_run.verdict) return "a check failed, or no report came in time";
    if (g_run.gave_up != kNone) return exit_text(g_run.gave_up);
    if (g_run.last_phase < phases) return "killed, or failed before its last report (its output says)";
    if (!ended) return "it still runs after its last report";
    if (failed_tasks() != failed_before) return "it exited with an error (its output says)";
    return nullptr;
}

}  // namespace

unsigned probe_threads() {
    unsigned cpus = tested_system().cpus;
    return cpus < numa::kProbeMaxThreads ? cpus : numa::kProbeMaxThreads;
}

bool run_probe(unsigned cpu, const char* args, Word phases, Inspector inspect, bool threads_move) {
    numa::System& system = tested_system();
    g_run = ProbeRun{inspect, probe_threads(), 0, kNone, true, "it did not start", threads_move};
    if (system.find_module("numaprobe") == nullptr) return fail("no numaprobe module to run");
    if (!g_server_ready) g_server_ready = g_server.on<numa::probe_proto::Inspect>(on_inspect);
    unsigned failed_before = failed_tasks();
    os::SpawnRequest request{};
    memcpy(request.module, "numaprobe", 10);
    l4::snprintf(request.args, sizeof request.args, "%s inspect=0x%x", args, l4::my_global_id().raw());
    auto spawned = l4::rpc::call<os::proto::Spawn>(system.pagers[cpu].pager, request);
    if (!spawned.ok()) return fail("the pager of CPU %u did not start 'numaprobe %s'", cpu, args);
    serve_reports(spawned.value(), phases, args);
    bool ended = probe_ended();
    g_run.outcome = trouble(phases, ended, failed_before);
    if (g_run.outcome == nullptr) return true;
    if (!g_run.verdict) return false;  // the inspector's fail() said why
    return fail("'numaprobe %s' from CPU %u, after %u of %u report(s): %s", args, cpu, unsigned(g_run.last_phase),
                unsigned(phases), g_run.outcome);
}

const char* last_outcome() { return g_run.outcome; }

unsigned last_cpu() { return tested_system().cpus - 1; }

unsigned live_tasks() { return __atomic_load_n(&tested_system().live_tasks, __ATOMIC_ACQUIRE); }

}  // namespace rootpager
