// kip.cc: `lock; nop` and the cached KIP pointer (see kip.h).
#include "l4/kip.h"

namespace l4 {

namespace {
const api::KernelInterfacePage* g_kip;
}

KernelInterface kernel_interface() {
    Word base, version, flags, id;
    asm volatile("lock; nop" : "=a"(base), "=c"(version), "=d"(flags), "=S"(id) : : "memory");
    return {reinterpret_cast<const api::KernelInterfacePage*>(base), version, flags, id};
}

const api::KernelInterfacePage& kip() {
    // Every thread that races here stores the same value.
    if (g_kip == nullptr) g_kip = kernel_interface().kip;
    return *g_kip;
}

api::MemoryDescriptor memory_descriptor(Word i) {
    const Word* words = reinterpret_cast<const Word*>(kip_base() + kip().memory_info.descriptors_offset());
    return api::MemoryDescriptor::from_words(words[2 * i], words[2 * i + 1]);
}

unsigned processor_node(Word cpu) {
    if (cpu >= processor_count()) return 0;
    const api::KernelInterfacePage& k = kip();
    Word address = kip_base() + k.processor_descriptors_offset + cpu * k.processor_info.descriptor_size();
    api::NodeWord word = reinterpret_cast<const api::ProcessorDescriptor*>(address)->proxima_node;
    return word.has_node() ? word.node() : 0;
}

unsigned node_of_physical(Word physical) {
    for (Word i = 0; i < kip().memory_info.count(); ++i) {
        api::MemoryDescriptor d = memory_descriptor(i);
        if (d.is_node_memory() && d.low() <= physical && physical <= d.high()) return d.node();
    }
    return ~0u;
}

uint64_t node_memory_bytes(unsigned node) {
    uint64_t bytes = 0;
    for (Word i = 0; i < kip().memory_info.count(); ++i) {
        api::MemoryDescriptor d = memory_descriptor(i);
        if (d.is_node_memory() && d.node() == node) bytes += d.size();
    }
    return bytes;
}

}  // namespace l4
