// topology_builder.h: turning ACPI tables into platform::Topology.
//
// The steps, each of which survives bad or missing input:
//   (1) Find the RSDP (options.rsdp_phys, else the BIOS search) and open the
//       XSDT or RSDT. Neither found: continue as if the tables were missing.
//   (2) CPUs from the MADT, in table order. No usable MADT: one CPU, APIC id 0.
//   (3) Nodes, by numa mode:
//         Auto: from the SRAT, distances from the SLIT (10/20 without one);
//               no usable SRAT: one node.
//         Off:  one node.
//         Fake: N equal slices of RAM (fake_numa.h).
//       "One node" holds every CPU and the usable RAM from options.
// Problems are reported on `diag` as "acpi: warning: ..." lines (diag.h).
#pragma once

#include "lib/format.h"
#include "platform/acpi/phys_reader.h"
#include "platform/acpi/topology_options.h"
#include "platform/topology.h"

namespace acpi {

/// Fills `out` completely (it is large, so the caller provides it: in the
/// kernel a static object, never a stack copy).
void build_topology(PhysReader& reader, const TopologyOptions& options, kstd::CharSink& diag,
                    platform::Topology& out);

}  // namespace acpi
