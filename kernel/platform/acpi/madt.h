// madt.h: reading the CPUs out of the MADT ("APIC" table).
//
// The MADT lists one entry per logical processor the firmware knows about
// (type 0 for 8-bit APIC ids, type 9 for x2APIC ids), plus I/O APICs and
// interrupt wiring that this parser leaves to the interrupt code. Processors
// whose "enabled" flag is clear are absent or hot-pluggable and are skipped;
// the ones that remain, in table order, become logical CPUs 0, 1, 2, ...
#pragma once

#include "lib/format.h"
#include "platform/acpi/phys_reader.h"
#include "platform/acpi/table_directory.h"
#include "platform/topology.h"

namespace acpi {

/// The local APIC base every x86 CPU has after reset; used when there is no MADT.
inline constexpr uint64_t kDefaultLapicPhys = 0xFEE00000;

/// Fills out.num_cpus, out.cpus[].apic_id (node 0 for now) and out.lapic_phys
/// from the MADT at `madt`. Returns false, with a warning and `out` untouched,
/// if the table is malformed or lists no enabled CPU.
[[nodiscard]] bool try_parse_madt(PhysReader& reader, const TableLocation& madt,
                                  platform::Topology& out, kstd::CharSink& diag);

}  // namespace acpi
