// machines.h: ACPI images shaped like the QEMU presets in config/topologies.conf.
//
// QEMU's SRAT (hw/i386/acpi-build.c) lists one processor entry per possible
// CPU, then node 0's memory cut around the legacy hole (0-0xA0000 and
// 0x100000-...), the other nodes' memory, and finally disabled zero-length
// memory entries as padding. These builders mimic that so the synthetic tests
// resemble what the captured dumps contain.
#pragma once

#include <vector>

#include "acpi_builder.h"

namespace test {

struct NodeSpec {
    std::vector<uint8_t> apic_ids;  // CPUs of this node
    uint64_t mem_bytes;             // 0 = memoryless
};

/// A QEMU-like machine: MADT with the CPUs in node order, SRAT, and a SLIT if
/// `distances` is not empty. Memory is laid out node after node from 0.
inline ImageBuilder qemu_like(const std::vector<NodeSpec>& nodes,
                              const std::vector<Bytes>& distances = {}) {
    MadtBuilder madt;
    SratBuilder srat(1);
    for (size_t n = 0; n < nodes.size(); ++n)
        for (uint8_t apic : nodes[n].apic_ids) {
            madt.lapic(apic);
            srat.cpu(apic, uint32_t(n));
        }
    madt.ioapic(0, 0xfec00000, 0).interrupt_override(0, 2, 0).lapic_nmi(0xff, 1);
    uint64_t base = 0;
    for (size_t n = 0; n < nodes.size(); ++n) {
        uint64_t end = base + nodes[n].mem_bytes;
        if (base < 0xa0000 && end > 0xa0000) {
            srat.memory(uint32_t(n), base, 0xa0000 - base);
            base = 0x100000;
        }
        if (end > base) srat.memory(uint32_t(n), base, end - base);
        base = end;
    }
    for (size_t pad = 0; pad < 2; ++pad) srat.memory(0, 0, 0, 0);
    ImageBuilder image;
    image.fadt_with_dsdt({0x10, 0x05, 0x5f, 0x53, 0x42, 0x5f}).table(madt.build()).table(srat.build());
    if (!distances.empty()) image.table(build_slit(distances));
    return image;
}

/// Preset "2x2": CPUs 0-1 and 256 MiB on node 0, CPUs 2-3 and 256 MiB on node 1.
inline ImageBuilder qemu_2x2() { return qemu_like({{{0, 1}, 256 << 20}, {{2, 3}, 256 << 20}}); }

}  // namespace test
