// sync_tests.cc: Lab 5's tests (sync_tests.h): master-pager synchronisation, read from
// the kernel while numaprobe's threads hold still (probe_runs.h draws a probe run).
//
// The tests start probes from CPU 0 and from the last CPU, so that the master node is
// not always node 0.
#include "sync_tests.h"

#include "l4/print.h"
#include "l4/test_runner.h"
#include "probe_runs.h"
#include "test_support.h"

namespace rootpager {

namespace {

using l4::tests::fail;

bool inspect_first_touch(const ProbeReport& r) {
    if (r.pages % r.thread_count != 0) return fail("%u pages for %u threads", unsigned(r.pages), unsigned(r.thread_count));
    Word slice = r.pages / r.thread_count;
    for (unsigned i = 0; i < r.thread_count; ++i) {
        Word frame;
        for (Word p = i * slice; p < (i + 1) * slice; ++p)
            if (!on_own_pool(r, i, p, &frame)) return false;
    }
    return no_probe_failures(r);
}

bool inspect_shared(const ProbeReport& r) { return one_frame_everywhere(r) && no_probe_failures(r); }

bool inspect_local(const ProbeReport& r) { return one_frame_per_node(r) && no_probe_failures(r); }

/// Phase 1: the code page is replicated; phase 2, after thread 0 wrote it: global.
bool inspect_promotion(const ProbeReport& r) {
    if (r.pages != 1) return fail("phase %u: %u code pages", unsigned(r.phase), unsigned(r.pages));
    bool frames = r.phase == 1 ? one_frame_per_node(r) : one_frame_everywhere(r);
    return frames && no_probe_failures(r);
}

bool accept(const ProbeReport&) { return true; }

/// Once no probe runs any more, every pool holds what it held at `before`.
bool pools_back_after_probes(const PoolUse& before) {
    if (live_tasks() != 0) return fail("a probe still runs: the pools cannot be counted");
    return pools_back(before, "after the probes ended");
}

}  // namespace

bool sync_first_touch() { return run_probe(last_cpu(), "mode=first_touch pages=6", 1, inspect_first_touch); }

/// Every thread of the probe (one per CPU) faults on the same 2 untouched pages at once,
/// round after round: 1024 first touches in all, so 128 rounds with 4 threads and 64
/// with 8 (a round waits for every thread, and costs more the more threads it has).
/// Each page must be one frame in every space; and once the probe has exited, every
/// pool must hold what it held before: two pagers that both made a frame for one page
/// (the race the master lock closes) can leave the spaces agreeing on one frame while
/// the other is lost or given back twice. The race needs two faults within a few
/// instructions of each other, so the rounds are many and start together.
bool sync_one_frame_shared() {
    constexpr Word kPagesPerRound = 2, kFirstTouches = 1024, kMaxRounds = 128;
    Word rounds = kFirstTouches / kPagesPerRound / probe_threads();
    char args[48];
    l4::snprintf(args, sizeof args, "mode=shared rounds=%u pages=%u", unsigned(rounds < kMaxRounds ? rounds : kMaxRounds),
                 unsigned(kPagesPerRound));
    PoolUse before = pool_use();
    return run_probe(0, args, 1, inspect_shared) && pools_back_after_probes(before);
}

bool sync_make_local() { return run_probe(0, "mode=local pages=6", 1, inspect_local); }

bool sync_code_promotion() { return run_probe(last_cpu(), "mode=promote", 2, inspect_promotion); }

/// After the probe ran in every mode, from CPU 0's pager and the last CPU's in turn,
/// every pool holds exactly the frames it held before: the master's table gave back
/// each global frame once, each node's table its replicas and local pages. A mode that
/// did not run through is reported after the pools, which are checked in any case.
bool sync_exit_frees_all() {
    struct Mode {
        const char* args;
        Word phases;
    };
    constexpr Mode kModes[] = {
        {"mode=first_touch pages=8", 1}, {"mode=shared rounds=16 pages=1", 1}, {"mode=local pages=8", 1}, {"mode=promote", 2}};
    PoolUse before = pool_use();
    const Mode* incomplete = nullptr;
    const char* outcome = "";
    for (unsigned k = 0; k < sizeof kModes / sizeof kModes[0]; ++k) {
        if (!run_probe(k % 2 == 0 ? last_cpu() : 0, kModes[k].args, kModes[k].phases, accept) &&
            incomplete == nullptr) {
            incomplete = &kModes[k];
            outcome = last_outcome();
        }
    }
    if (!pools_back_after_probes(before)) return false;
    if (incomplete != nullptr)
        return fail("every pool is back, but 'numaprobe %s' did not pass: %s", incomplete->args, outcome);
    return true;
}

}  // namespace rootpager
