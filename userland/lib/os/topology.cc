// topology.cc: the machine's shape from the KIP (os.h): processors, and the NUMA node of
// each, which Proxima keeps in word 3 of its processor descriptor (kip_descriptors.h).
// The OS (userland/baseos) links this file too.
#include "api/kip_descriptors.h"
#include "l4/kip.h"
#include "os/os.h"

namespace os {

namespace {

const api::ProcessorDescriptor& processor(unsigned cpu) {
    const api::KernelInterfacePage& kip = l4::kip();
    Word address = l4::kip_base() + kip.processor_descriptors_offset + cpu * kip.processor_info.descriptor_size();
    return *reinterpret_cast<const api::ProcessorDescriptor*>(address);
}

}  // namespace

unsigned cpu_count() { return l4::processor_count(); }

unsigned node_of_cpu(unsigned cpu) {
    if (cpu >= cpu_count()) return 0;
    api::NodeWord word = processor(cpu).proxima_node;
    return word.has_node() ? word.node() : 0;
}

unsigned node_count() {
    unsigned highest = 0;
    for (unsigned cpu = 0; cpu < cpu_count(); ++cpu)
        if (node_of_cpu(cpu) > highest) highest = node_of_cpu(cpu);
    return highest + 1;
}

}  // namespace os
