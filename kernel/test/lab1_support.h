// lab1_support.h: helpers shared by the Lab 1 self-tests (kernel/test/lab1_*.cc).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "arch/mmu.h"
#include "mm/frame_allocator.h"
#include "mm/kmem.h"
#include "platform/machine.h"

namespace lab1 {

/// Whether [phys, phys + size) lies inside one of `node`'s SRAT memory ranges.
inline bool in_node_memory(unsigned node, uint64_t phys, uint64_t size) {
    const platform::NodeInfo& info = platform::machine_topology().nodes[node];
    for (unsigned i = 0; i < info.num_ranges; ++i)
        if (phys >= info.ranges[i].base && phys + size <= info.ranges[i].end) return true;
    return false;
}

/// A word of physical memory reached without the pools' own mapping (the
/// direct map, or the device window above 512 MiB), to check translations
/// against the hardware.
inline volatile uint32_t* physical_word(uint64_t phys) {
    if (phys + 4 <= mm::FrameAllocator::kManagedLimit) return static_cast<volatile uint32_t*>(mm::phys_to_virt(phys));
    return static_cast<volatile uint32_t*>(arch::map_physical(phys, 4));
}

/// The node whose pool holds `block`, or kNoNode.
inline unsigned pool_node_of(const void* block) {
    for (unsigned n = 0; n < platform::machine_topology().num_nodes; ++n)
        if (kmem::pools().on(n).contains_virt(uintptr_t(block))) return n;
    return kmem::kNoNode;
}

/// Free bytes and free-list length of every pool, to compare before and after.
struct PoolSnapshot {
    size_t free_bytes[platform::kMaxNodes];
    size_t free_blocks[platform::kMaxNodes];

    static PoolSnapshot take() {
        PoolSnapshot s{};
        for (unsigned n = 0; n < platform::machine_topology().num_nodes; ++n) {
            s.free_bytes[n] = kmem::pools().on(n).free_bytes();
            s.free_blocks[n] = kmem::pools().on(n).free_blocks();
        }
        return s;
    }
};

/// Fills / checks a block with a pattern derived from `seed` (first, middle and last words).
inline void stamp(void* block, size_t size, uint32_t seed) {
    auto* words = static_cast<volatile uint32_t*>(block);
    size_t n = size / 4;
    if (n == 0) return;
    words[0] = seed;
    words[n / 2] = seed ^ 0x5a5a5a5a;
    words[n - 1] = ~seed;
}

inline bool stamped(const void* block, size_t size, uint32_t seed) {
    auto* words = static_cast<const volatile uint32_t*>(block);
    size_t n = size / 4;
    return n == 0 || (words[0] == seed && words[n / 2] == (seed ^ 0x5a5a5a5a) && words[n - 1] == ~seed);
}

}  // namespace lab1
