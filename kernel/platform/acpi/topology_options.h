// topology_options.h: what the boot code tells build_topology() and dump_tables().
//
// Filled from the multiboot information: the command line picks the NUMA mode
// ("numa=off", "numa=fake:N"), the memory map gives the usable RAM ranges, and
// a bootloader that knows the RSDP may pass its address.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "platform/topology.h"

namespace acpi {

enum class NumaMode {
    Auto,  ///< nodes from the SRAT if there is a valid one, else one node
    Off,   ///< one node, whatever the SRAT says (numa=off)
    Fake,  ///< fake_nodes equal slices of RAM (numa=fake:N), for UMA machines
};

struct TopologyOptions {
    NumaMode numa_mode = NumaMode::Auto;
    unsigned fake_nodes = 0;  ///< N of numa=fake:N; clamped to 1..kMaxNodes

    /// Usable RAM from the boot memory map, [base, end) each, ascending. Used
    /// for the memory of single-node and fake layouts, and printed by dump_tables.
    const platform::MemRange* ram_ranges = nullptr;
    size_t num_ram_ranges = 0;

    /// Physical address of the RSDP if the bootloader knows it; 0 = search.
    uint64_t rsdp_phys = 0;
};

}  // namespace acpi
