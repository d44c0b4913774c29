// fake_numa.h: inventing NUMA nodes on a machine that has none (numa=fake:N).
//
// Students can test NUMA-aware code on a UMA machine by slicing RAM into N
// nodes. The usable RAM is first trimmed to whole pages; the pages are then
// dealt out in address order, total/N pages per node (the last node also gets
// the remainder), so a RAM range that crosses a slice boundary is split:
//
//   RAM:   [0x0 ----- 0x9f000)     [0x100000 ------------------------ 0x8000000)
//   N=2:   [node 0 ...........)    [node 0 ...... 0x4050000)[node 1 ........)
//
// CPUs are dealt out in contiguous blocks: CPU i goes to node i * N / num_cpus.
// Every distance is 10 (same node) or 20.
#pragma once

#include <stddef.h>

#include "lib/format.h"
#include "platform/topology.h"

namespace acpi {

inline constexpr uint64_t kFakePageSize = 4096;

/// Replaces the node layout of `out` (whose CPUs are already filled in) with
/// `requested` fake nodes over `ram`. The count is clamped to 1..kMaxNodes and
/// to the number of usable pages, with a warning when it changes.
void lay_out_fake_nodes(const platform::MemRange* ram, size_t num_ram, unsigned requested,
                        platform::Topology& out, kstd::CharSink& diag);

}  // namespace acpi
