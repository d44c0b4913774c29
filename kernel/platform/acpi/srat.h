// srat.h: reading NUMA nodes out of the SRAT.
//
// The SRAT ties CPUs (by APIC id) and physical memory ranges to proximity
// domains, the firmware's name for a NUMA node. Domain numbers may be sparse
// (0 and 5) and need not start at 0, so Proxima numbers its nodes densely in
// ascending domain order:
//
//   SRAT proximity domains:   0        5        9
//   Proxima node numbers:     0        1        2
//
// A node exists for each domain that owns an enabled CPU the MADT also lists,
// or an enabled memory range of nonzero length. So a node may have CPUs but no
// memory (memoryless node) or memory but no CPUs (CPU-less node).
#pragma once

#include "lib/format.h"
#include "platform/acpi/phys_reader.h"
#include "platform/acpi/table_directory.h"
#include "platform/topology.h"

namespace acpi {

/// Given the CPUs in `out` (from the MADT), fills out.num_nodes, out.nodes[]
/// (domain and memory ranges in SRAT order) and out.cpus[].node. A CPU with no
/// SRAT entry goes to node 0 with a warning. Returns false, with a warning, if
/// the SRAT is malformed or names no node or too many; `out`'s nodes are then
/// unspecified and the caller lays out a single node instead.
[[nodiscard]] bool try_parse_srat(PhysReader& reader, const TableLocation& srat,
                                  platform::Topology& out, kstd::CharSink& diag);

}  // namespace acpi
