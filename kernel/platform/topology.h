// topology.h: the machine's NUMA topology as the kernel sees it.
//
// Built once at boot by build_topology() (platform/acpi/) from the ACPI MADT, SRAT
// and SLIT, or from the boot memory map when there is no SRAT (one node, or N fake
// nodes with numa=fake:N). After boot it is read-only, so every CPU may read it
// without a lock.
//
// Numbering:
//  - Logical CPU numbers are the order of enabled processors in the MADT; the APIC
//    id is a separate hardware name (QEMU leaves gaps in it for odd core counts).
//  - Node numbers are dense (0..num_nodes-1) in ascending order of the firmware's
//    proximity domain numbers, which may be sparse.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace platform {

inline constexpr unsigned kMaxCpus = 64;
inline constexpr unsigned kMaxNodes = 16;
inline constexpr unsigned kMaxRangesPerNode = 8;
inline constexpr uint8_t kLocalDistance = 10;
inline constexpr uint8_t kRemoteDistance = 20;

/// A physical memory range [base, end).
struct MemRange {
    uint64_t base;
    uint64_t end;
};

struct CpuInfo {
    uint32_t apic_id;  ///< local APIC id, used to address IPIs
    unsigned node;     ///< dense node number
};

struct NodeInfo {
    uint32_t proximity_domain;  ///< the firmware's name for the node
    unsigned num_ranges;
    MemRange ranges[kMaxRangesPerNode];  ///< in the order the firmware lists them
};

/// Where the node layout came from.
enum class TopologySource { Srat, SingleNode, Fake };

struct Topology {
    TopologySource source;
    unsigned num_cpus;
    unsigned num_nodes;
    CpuInfo cpus[kMaxCpus];
    NodeInfo nodes[kMaxNodes];
    uint8_t distance[kMaxNodes][kMaxNodes];  ///< [from][to], SLIT values
    uint64_t lapic_phys;                     ///< local APIC base from the MADT
};

}  // namespace platform
