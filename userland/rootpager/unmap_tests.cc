// unmap_tests.cc: Lab 6's tests (unmap_tests.h). The probe's modes are drawn in
// userland/apps/numaprobe/unmap_modes.h; here is what the kernel must show at each of
// their reports. The probe's main thread, which asks for every unmap, runs on CPU 0; the
// tests start it from CPU 0's pager and from the last CPU's, so that the task's master
// node is not always the originator's.
#include "unmap_tests.h"

#include "api/fpage.h"
#include "l4/kdebug.h"
#include "l4/kip.h"
#include "l4/print.h"
#include "l4/rpc.h"
#include "l4/test_runner.h"
#include "numa/pager_protocol.h"
#include "numa/pool.h"
#include "probe_runs.h"
#include "test_support.h"

namespace rootpager {

namespace {

using l4::tests::fail;

/// The frames of the report's pages at report 1 (one frame everywhere), for later reports.
Word g_frames[1024];

/// No thread's space maps any page of the report.
bool nothing_mapped(const ProbeReport& r) {
    for (Word p = 0; p < r.pages; ++p)
        for (unsigned i = 0; i < r.thread_count; ++i)
            if (Word frame = frame_of(r, i, p); frame != kNone)
                return fail("report %u: page %x is still mapped in thread %u's space (node %u), to frame %x",
                            unsigned(r.phase), page_address(r, p), i, space_node(r, i), frame);
    return true;
}

/// Every thread's space maps every page to the frame it had at report 1, writable or
/// (writable == false) read-only.
bool same_frames(const ProbeReport& r, bool writable) {
    for (Word p = 0; p < r.pages; ++p)
        for (unsigned i = 0; i < r.thread_count; ++i) {
            Word frame = frame_of(r, i, p);
            if (frame != g_frames[p])
                return fail("report %u: page %x: thread %u's space (node %u) maps frame %x, not %x as before",
                            unsigned(r.phase), page_address(r, p), i, space_node(r, i), frame, g_frames[p]);
            Word address = page_address(r, p);
            bool can_write = l4::kdebug::writable_in_space(number_of(r, i), unsigned(address)) != kNone;
            if (can_write != writable)
                return fail("report %u: page %x is %s in thread %u's space (node %u)", unsigned(r.phase), address,
                            can_write ? "still writable" : "read-only", i, space_node(r, i));
        }
    return true;
}

bool remember_frames(const ProbeReport& r) {
    if (!one_frame_everywhere(r)) return false;
    for (Word p = 0; p < r.pages; ++p) g_frames[p] = frame_of(r, 0, p);
    return true;
}

// ---- the inspectors, one per mode ----

/// 1: one frame everywhere; 2, after the unmap: nothing mapped; 3: a new page everywhere.
bool inspect_unmap(const ProbeReport& r) {
    bool frames = r.phase == 2 ? nothing_mapped(r) : one_frame_everywhere(r);
    return frames && no_probe_failures(r);
}

/// 2, after the unmap: nothing mapped; the probe checked the status bits.
bool inspect_status(const ProbeReport& r) { return (r.phase == 1 || nothing_mapped(r)) && no_probe_failures(r); }

/// 1: one frame everywhere, writable; 2, after the unmap: the same frames, read-only
/// everywhere; 3, after every thread wrote: the same frames, writable everywhere.
bool inspect_read_only(const ProbeReport& r) {
    bool frames = r.phase == 1 ? remember_frames(r) && same_frames(r, true) : same_frames(r, r.phase == 3);
    return frames && no_probe_failures(r);
}

bool inspect_concurrent(const ProbeReport& r) { return nothing_mapped(r) && no_probe_failures(r); }

/// The pool address of physical frame `physical` (what the pagers call the frame), 0 if
/// no pool holds it.
Word pool_address(Word physical) {
    numa::System& system = tested_system();
    for (unsigned node = 0; node < system.nodes; ++node) {
        if (!system.has_pool[node]) continue;
        numa::Pool& pool = numa::Pool::of_node(node);
        for (unsigned c = 0; c < pool.chunk_count(); ++c) {
            const numa::PoolChunk& chunk = pool.chunk(c);
            if (physical >= chunk.physical && physical - chunk.physical < (Word{1} << chunk.log2_size))
                return pool.base() + chunk.offset + (physical - chunk.physical);
        }
    }
    return 0;
}

/// 1: this thread, which is no pager, asks every pager's unmap worker to unmap the
/// probe's frames (both procedures) and must be refused each time; every pager asks
/// its own worker, as a pager, to unmap malformed requests (each beside a good frame)
/// and must be answered Malformed each time (check_worker); then (and at 2) the same
/// frames are still mapped, writable, everywhere.
bool inspect_hold(const ProbeReport& r) {
    if (r.phase == 1) {
        if (!remember_frames(r)) return false;
        numa::System& system = tested_system();
        Word fpages[numa::pager_proto::kMaxUnmapFpages];
        unsigned count = 0;
        for (Word p = 0; p < r.pages && count < numa::pager_proto::kMaxUnmapFpages; ++p) {
            Word frame = pool_address(g_frames[p]);
            if (frame == 0) return fail("page %x: frame %x lies in no pool", page_address(r, p), g_frames[p]);
            fpages[count++] = api::Fpage::memory(frame, 12, api::Rights::Full).raw();
        }
        for (unsigned cpu = 0; cpu < system.cpus; ++cpu) {
            ThreadId worker = system.pagers[cpu].unmap_worker;
            Word answer[numa::pager_proto::kMaxUnmapFpages];
            auto many = l4::rpc::call_words(worker, numa::pager_proto::kUnmapLabel, fpages, count, answer, count);
            if (many.status() != l4::rpc::Status::Refused)
                return fail("the unmap worker of CPU %u answered a caller that is no pager with '%s', not 'refused'",
                            cpu, many.ok() ? "done" : l4::rpc::status_name(many.status()));
            auto one = l4::rpc::call<numa::pager_proto::UnmapFrame>(worker, fpages[0]);
            if (one.status() != l4::rpc::Status::Refused)
                return fail("the unmap worker of CPU %u answered unmap_frame of a caller that is no pager with '%s'",
                            cpu, one.ok() ? "done" : l4::rpc::status_name(one.status()));
        }
        const char* const kinds[] = {"no fpage", "a page outside the pools", "a pool's header page",
                                     "rights Read", "8 KiB"};
        constexpr Word kAll = (Word{1} << numa::pager_proto::kMalformedCount) - 1;
        for (unsigned cpu = 0; cpu < system.cpus; ++cpu) {
            auto refused = l4::rpc::call<numa::pager_proto::CheckWorker>(system.pagers[cpu].pager,
                                                                         api::Fpage::from_raw(fpages[0]).base());
            if (!refused.ok()) return fail("the pager of CPU %u did not check its worker: %s", cpu,
                                           l4::rpc::status_name(refused.status()));
            for (unsigned kind = 0; kind < numa::pager_proto::kMalformedCount; ++kind)
                if (((refused.value() & kAll) >> kind & 1) == 0)
                    return fail("the unmap worker of CPU %u took a request with %s as well-formed (it must "
                                "answer Malformed and do nothing)", cpu, kinds[kind]);
        }
    }
    return same_frames(r, true) && no_probe_failures(r);
}

}  // namespace

bool unmap_everywhere() {
    return run_probe(last_cpu(), "mode=unmap pages=70", 3, inspect_unmap) &&
           run_probe(0, "mode=unmap pages=64", 3, inspect_unmap);
}

bool unmap_status() { return run_probe(last_cpu(), "mode=status pages=100", 2, inspect_status); }

bool unmap_read_only() { return run_probe(last_cpu(), "mode=read_only pages=3", 3, inspect_read_only); }

/// Two pagers unmap at once; then the frames the task held all went back, and no more:
/// every pool holds what it held before the run.
bool unmap_concurrent() {
    PoolUse before = pool_use();
    if (!run_probe(0, "mode=concurrent rounds=1000 pages=2", 1, inspect_concurrent)) return false;
    return pools_back(before, "after the probe ended");
}

bool unmap_refused() { return run_probe(last_cpu(), "mode=hold pages=3", 2, inspect_hold); }

bool unmap_ostest() { return run_ostest_from_both_ends("mode=unmap"); }

}  // namespace rootpager
