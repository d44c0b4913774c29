// test_numaprof.cc: a memory access pattern the numaprof plugin must count exactly.
//
// numaprof (tools/numaprof/numaprof.c) counts each vCPU's data accesses by the
// NUMA node of their physical address. This test gives it a pattern whose
// counts are known, between phase markers (kernel/api/numaprof_marker.h):
//
//   phase 1 (kRemotePhase): kLoads 32-bit loads from a frame on another node
//                           than this CPU's: kLoads remote accesses
//   phase 2 (kLocalPhase):  kLoads loads from a frame on this CPU's node: none remote
//
// Each phase runs with interrupts off, so no handler adds accesses of its
// own; the loop keeps its counter and sum in registers (a spill would go to
// this CPU's stack, on its own node: local). The CPU reads no memory for a
// marker. tests/profile/test_numaprof.py boots this test on 2x2 under the
// plugin and checks its counts; an EVIDENCE line names the CPU, the nodes,
// the frames and kLoads. Without the plugin the test checks only that the
// loads read what was written, and the markers are no-ops.
//
// A machine with one node (or no other node's memory in the direct map) has
// no remote frame: phase 1 is skipped (remote_node=none).
//
// Explicit-only (not in test=all): its phases mean something only under the
// plugin, and the benchmarks' own phase numbers must not meet its markers.
#include "api/numaprof_marker.h"
#include "arch/arch.h"
#include "mm/frame_allocator.h"
#include "platform/machine.h"
#include "test/ktest.h"

namespace {

constexpr unsigned kRemotePhase = 1;
constexpr unsigned kLocalPhase = 2;
constexpr unsigned kLoads = 100000;
constexpr unsigned kWords = mm::kPageSize / sizeof(uint32_t);
constexpr unsigned kNoNode = ~0u;

// A free frame in `node`'s memory inside the kernel's direct map, or 0.
uint64_t frame_on(const platform::Topology& topology, unsigned node) {
    const platform::NodeInfo& info = topology.nodes[node];
    for (unsigned r = 0; r < info.num_ranges; ++r) {
        uint64_t lo = info.ranges[r].base < 0x100000 ? 0x100000 : info.ranges[r].base;
        uint64_t frame = mm::frames().try_allocate_in(lo, info.ranges[r].end, 1);
        if (frame != 0) return frame;
    }
    return 0;
}

volatile uint32_t* fill(uint64_t frame) {
    auto* words = static_cast<volatile uint32_t*>(mm::phys_to_virt(frame));
    for (unsigned i = 0; i < kWords; ++i) words[i] = i;
    return words;
}

// kLoads loads, no other access to memory. Not inlined, so that the loop is
// the same in both phases.
[[gnu::noinline]] uint32_t load_words(const volatile uint32_t* words) {
    uint32_t sum = 0;
    for (unsigned i = 0; i < kLoads; ++i) sum += words[i % kWords];
    return sum;
}

// What load_words must return: each full pass over the frame adds 0 + 1 + ... + (kWords - 1),
// the last, partial one 0 + 1 + ... + (rest - 1).
constexpr uint32_t expected_sum() {
    constexpr uint32_t passes = kLoads / kWords, rest = kLoads % kWords;
    return passes * (kWords * (kWords - 1) / 2) + rest * (rest - 1) / 2;
}

}  // namespace

KTEST_EXPLICIT(numaprof_known_pattern, "numaprof.known_pattern") {
    const platform::Topology& topology = platform::machine_topology();
    const unsigned cpu = arch::cpu_index();
    const unsigned home = topology.cpus[cpu].node;
    unsigned remote_node = kNoNode;
    uint64_t remote_frame = 0;
    for (unsigned n = 0; n < topology.num_nodes && remote_frame == 0; ++n) {
        if (n == home) continue;
        remote_frame = frame_on(topology, n);
        if (remote_frame != 0) remote_node = n;
    }
    uint64_t local_frame = frame_on(topology, home);
    if (!t.check(local_frame != 0, "no free frame on node %u", home)) return;

    uint32_t remote_sum = expected_sum(), local_sum = 0;
    if (remote_frame != 0) {
        const volatile uint32_t* words = fill(remote_frame);
        arch::InterruptsOff off;
        numaprof_begin(kRemotePhase);
        remote_sum = load_words(words);
        numaprof_end(kRemotePhase);
    }
    {
        const volatile uint32_t* words = fill(local_frame);
        arch::InterruptsOff off;
        numaprof_begin(kLocalPhase);
        local_sum = load_words(words);
        numaprof_end(kLocalPhase);
    }
    if (remote_node == kNoNode) {
        t.evidence("cpu=%u node=%u loads=%u remote_phase=%u local_phase=%u remote_node=none local_frame=%x", cpu,
                   home, kLoads, kRemotePhase, kLocalPhase, unsigned(local_frame));
    } else {
        t.evidence("cpu=%u node=%u loads=%u remote_phase=%u local_phase=%u remote_node=%u remote_frame=%x "
                   "local_frame=%x",
                   cpu, home, kLoads, kRemotePhase, kLocalPhase, remote_node, unsigned(remote_frame),
                   unsigned(local_frame));
    }
    t.check(remote_sum == expected_sum(), "remote frame: the loads summed to %u, not %u", remote_sum,
            expected_sum());
    t.check(local_sum == expected_sum(), "local frame: the loads summed to %u, not %u", local_sum, expected_sum());
    if (remote_frame != 0) mm::frames().free(remote_frame, 1);
    mm::frames().free(local_frame, 1);
}
