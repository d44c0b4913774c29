// topology.cc: the machine's shape from the KIP (os.h): processors, and the NUMA node of
// each, which Proxima keeps in word 3 of its processor descriptor (kip_descriptors.h).
// The OS (userland/baseos) links this file too.
#include "api/kip_descriptors.h"
#include "l4/kip.h"
#include "os/os.h"

namespace os {

unsigned cpu_count() { return l4::processor_count(); }

unsigned node_of_cpu(unsigned cpu) { return l4::processor_node(cpu); }

unsigned node_count() {
    unsigned highest = 0;
    for (unsigned cpu = 0; cpu < cpu_count(); ++cpu)
        if (node_of_cpu(cpu) > highest) highest = node_of_cpu(cpu);
    return highest + 1;
}

}  // namespace os
