// topology_report.cc: print_topology() (see topology_report.h for the format).
#include "platform/acpi/topology_report.h"

#include "platform/acpi/diag.h"

namespace acpi {

void print_topology(const platform::Topology& topology, kstd::CharSink& out) {
    print(out, "topology: nodes=%u cpus=%u\n", topology.num_nodes, topology.num_cpus);
    for (unsigned n = 0; n < topology.num_nodes; ++n) {
        const platform::NodeInfo& node = topology.nodes[n];
        print(out, "node %u: cpus=", n);
        bool any = false;
        for (unsigned cpu = 0; cpu < topology.num_cpus; ++cpu) {
            if (topology.cpus[cpu].node != n) continue;
            print(out, any ? ",%u" : "%u", cpu);
            any = true;
        }
        if (!any) print(out, "-");

        print(out, " mem=");
        for (unsigned r = 0; r < node.num_ranges; ++r)
            print(out, "%s0x%llx-0x%llx", r == 0 ? "" : ",",
                  (unsigned long long)node.ranges[r].base, (unsigned long long)node.ranges[r].end);
        if (node.num_ranges == 0) print(out, "-");

        print(out, " distance=");
        for (unsigned to = 0; to < topology.num_nodes; ++to)
            print(out, to == 0 ? "%u" : ",%u", unsigned(topology.distance[n][to]));
        print(out, "\n");
    }
}

}  // namespace acpi
