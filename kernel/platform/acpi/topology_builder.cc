// topology_builder.cc: build_topology(), step by step (see topology_builder.h).
#include "platform/acpi/topology_builder.h"

#include "platform/acpi/diag.h"
#include "platform/acpi/fake_numa.h"
#include "platform/acpi/madt.h"
#include "platform/acpi/rsdp.h"
#include "platform/acpi/slit.h"
#include "platform/acpi/srat.h"
#include "platform/acpi/table_directory.h"

namespace acpi {
namespace {

void clear_nodes(platform::Topology& out) {
    out.num_nodes = 0;
    for (auto& node : out.nodes) node = platform::NodeInfo{};
    for (auto& row : out.distance)
        for (auto& d : row) d = 0;
}

// Every CPU on node 0, which owns all usable RAM.
void lay_out_single_node(const TopologyOptions& options, platform::Topology& out,
                         kstd::CharSink& diag) {
    clear_nodes(out);
    out.source = platform::TopologySource::SingleNode;
    out.num_nodes = 1;
    platform::NodeInfo& node = out.nodes[0];
    for (size_t i = 0; i < options.num_ram_ranges; ++i) {
        if (node.num_ranges == platform::kMaxRangesPerNode) {
            warn(diag, "more than %u usable RAM ranges, the rest are not listed in the topology",
                 platform::kMaxRangesPerNode);
            break;
        }
        node.ranges[node.num_ranges++] = options.ram_ranges[i];
    }
    for (unsigned cpu = 0; cpu < out.num_cpus; ++cpu) out.cpus[cpu].node = 0;
    set_default_distances(out);
}

// Step (1): the RSDP, either the one the bootloader named or one we search for.
bool find_rsdp(PhysReader& reader, const TopologyOptions& options, RsdpInfo& rsdp,
               kstd::CharSink& diag) {
    if (options.rsdp_phys != 0) {
        if (try_read_rsdp(reader, options.rsdp_phys, rsdp, diag)) return true;
        warn(diag, "RSDP given at 0x%llx is unusable, searching instead",
             (unsigned long long)options.rsdp_phys);
    }
    if (try_find_rsdp(reader, rsdp, diag)) return true;
    warn(diag, "no ACPI RSDP found");
    return false;
}

}  // namespace

void build_topology(PhysReader& reader, const TopologyOptions& options, kstd::CharSink& diag,
                    platform::Topology& out) {
    out.source = platform::TopologySource::SingleNode;
    out.num_cpus = 0;
    for (auto& cpu : out.cpus) cpu = platform::CpuInfo{};
    clear_nodes(out);
    out.lapic_phys = kDefaultLapicPhys;

    // Step (1).
    TableRequest tables[] = {{"APIC", {}}, {"SRAT", {}}, {"SLIT", {}}};
    const TableLocation& madt = tables[0].location;
    const TableLocation& srat = tables[1].location;
    const TableLocation& slit = tables[2].location;
    RsdpInfo rsdp = {};
    TableDirectory directory;
    if (find_rsdp(reader, options, rsdp, diag) && directory.try_open(reader, rsdp, diag))
        directory.find(tables, sizeof(tables) / sizeof(tables[0]), diag);

    // Step (2).
    if (!madt.found() || !try_parse_madt(reader, madt, out, diag)) {
        warn(diag, "no usable MADT, assuming one CPU with APIC id 0");
        out.num_cpus = 1;
        out.cpus[0] = {0, 0};
    }

    // Step (3).
    switch (options.numa_mode) {
    case NumaMode::Fake:
        lay_out_fake_nodes(options.ram_ranges, options.num_ram_ranges, options.fake_nodes, out,
                           diag);
        return;
    case NumaMode::Off: lay_out_single_node(options, out, diag); return;
    case NumaMode::Auto: break;
    }
    if (!srat.found() || !try_parse_srat(reader, srat, out, diag)) {
        lay_out_single_node(options, out, diag);
        return;
    }
    out.source = platform::TopologySource::Srat;
    if (!slit.found() || !try_parse_slit(reader, slit, out, diag)) set_default_distances(out);
}

}  // namespace acpi
