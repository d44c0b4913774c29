// page_walk.h: reading an IA32 page directory by hand, as the MMU would: for
// the self-tests and the boot message that say where a CPU's translations
// lead (which node's frame backs the kernel's code, a space's tables).
//
// A directory or table may lie in a node pool (read through kmem) or in low
// memory (read through the direct map); memory that is neither is not read.
#pragma once

#include <stdint.h>

#include "arch/ia32/mm/page_table.h"
#include "mm/frame_allocator.h"
#include "mm/kmem.h"
#include "platform/machine.h"

namespace mm {

inline constexpr uint64_t kNoFrame = ~uint64_t(0);

/// Kernel-readable memory at physical `phys` (a directory or table), or nullptr.
inline const uint32_t* table_memory(uint64_t phys) {
    if (void* pool = kmem::phys_to_virt(phys)) return static_cast<const uint32_t*>(pool);
    if (phys + 4096 <= FrameAllocator::kManagedLimit) return static_cast<const uint32_t*>(phys_to_virt(phys));
    return nullptr;
}

/// The physical address `virt` translates to through the directory at
/// `directory_phys`, or kNoFrame when it is not mapped (or unreadable).
inline uint64_t walk(uint32_t directory_phys, uintptr_t virt) {
    constexpr uint32_t kBigPage = 1u << 7;
    const uint32_t* directory = table_memory(directory_phys & ia32::pte::kFrameMask);
    if (directory == nullptr) return kNoFrame;
    uint32_t pde = directory[ia32::pte::directory_index(virt)];
    if (!(pde & ia32::pte::kPresent)) return kNoFrame;
    if (pde & kBigPage) return (pde & 0xFFC00000u) | (virt & 0x3FFFFFu);
    const uint32_t* table = table_memory(pde & ia32::pte::kFrameMask);
    if (table == nullptr) return kNoFrame;
    uint32_t pte = table[ia32::pte::table_index(virt)];
    if (!(pte & ia32::pte::kPresent)) return kNoFrame;
    return (pte & ia32::pte::kFrameMask) | (virt & 0xFFFu);
}

/// The node whose memory (SRAT ranges) holds `phys`, or kmem::kNoNode.
inline unsigned node_of_phys(uint64_t phys) {
    const platform::Topology& topology = platform::machine_topology();
    for (unsigned n = 0; n < topology.num_nodes; ++n)
        for (unsigned r = 0; r < topology.nodes[n].num_ranges; ++r)
            if (phys >= topology.nodes[n].ranges[r].base && phys < topology.nodes[n].ranges[r].end) return n;
    return kmem::kNoNode;
}

}  // namespace mm
