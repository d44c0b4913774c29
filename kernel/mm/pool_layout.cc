// pool_layout.cc: building the per-node kernel memory pools at boot (given).
//
// This is the thesis's Kickstart step (4.1.1), done by the kernel itself:
//  (1) size: kmem=SIZE per node (default 8 MiB), shrunk so that all pools
//      fit between kPoolFloor and kPoolTop;
//  (2) for each node, find a free, page-aligned block of that size in the
//      node's SRAT memory that is also usable RAM, highest addresses first
//      (memory below 512 MiB is checked against the boot frame allocator,
//      which then keeps it; memory above is untouched so far). A node whose
//      memory cannot hold the full size gets the largest power-of-two
//      fraction that fits, down to 64 KiB; a node without memory gets none;
//  (3) map each pool below the previous one, node 0 highest;
//  (4) hand each pool to its NodePool and order the fallback nodes (Lab 1);
//  (5) print the pools, and which node serves each node without a pool.
#include "arch/mmu.h"
#include "lib/console.h"
#include "lib/panic.h"
#include "mm/frame_allocator.h"
#include "mm/kmem.h"

namespace kmem {
namespace {

PerNode<mm::NodePool> g_pools;

constexpr uint64_t kMinPool = 64 * 1024;
constexpr uint64_t kPage = mm::kPageSize;

// (2) The highest free block of `size` bytes in [lo, hi), or 0.
uint64_t find_block(uint64_t lo, uint64_t hi, uint64_t size) {
    lo = (lo + kPage - 1) & ~(kPage - 1);
    hi &= ~(kPage - 1);
    if (hi <= lo || hi - lo < size) return 0;
    constexpr uint64_t kManaged = mm::FrameAllocator::kManagedLimit;
    if (hi > kManaged && hi - (lo > kManaged ? lo : kManaged) >= size) return hi - size;  // above the direct map
    return mm::frames().try_allocate_in(lo, hi < kManaged ? hi : kManaged, size_t(size / kPage));
}

uint64_t carve(const platform::NodeInfo& node, uint64_t size, const platform::MemRange* ram, unsigned num_ram) {
    constexpr uint64_t kLowest = 0x100000;  // leave the first megabyte alone
    constexpr uint64_t k4G = uint64_t(1) << 32;
    for (unsigned i = node.num_ranges; i > 0; --i) {
        const platform::MemRange& range = node.ranges[i - 1];
        for (unsigned r = num_ram; r > 0; --r) {
            uint64_t lo = range.base > ram[r - 1].base ? range.base : ram[r - 1].base;
            uint64_t hi = range.end < ram[r - 1].end ? range.end : ram[r - 1].end;
            if (lo < kLowest) lo = kLowest;
            if (hi > k4G) hi = k4G;
            if (lo >= hi) continue;
            uint64_t block = find_block(lo, hi, size);
            if (block != 0) return block;
        }
    }
    return 0;
}

}  // namespace

PerNode<mm::NodePool>& pools() { return g_pools; }

void boot_init(const platform::Topology& topology, uint64_t pool_bytes, const platform::MemRange* ram,
               unsigned num_ram) {
    // (1)
    uint64_t size = pool_bytes != 0 ? pool_bytes : kDefaultPoolBytes;
    uint64_t room = (kPoolTop - kPoolFloor) / topology.num_nodes;
    if (size > room) size = room;
    size = (size + kPage - 1) & ~(kPage - 1);

    uintptr_t next_top = kPoolTop;
    for (unsigned n = 0; n < topology.num_nodes; ++n) {
        // (2)
        uint64_t want = size, phys = 0;
        while (want >= kMinPool) {
            phys = carve(topology.nodes[n], want, ram, num_ram);
            if (phys != 0) break;
            want /= 2;
        }
        if (phys == 0) continue;
        // (3)
        uintptr_t virt = next_top - uintptr_t(want);
        if (!arch::map_kernel_range(virt, phys, want)) panic("kmem: no memory for the page tables of node %u's pool", n);
        next_top = virt;
        // (4)
        g_pools.on(n).init(n, phys, virt, size_t(want));
    }
    compute_fallback_order(topology);

    // (5)
    for (unsigned n = 0; n < topology.num_nodes; ++n) {
        const mm::NodePool& pool = g_pools.on(n);
        if (!pool.empty()) {
            kprintf("kmem: node %u pool phys 0x%llx-0x%llx virt 0x%x size %u KiB\n", n,
                    (unsigned long long)pool.phys_base(), (unsigned long long)(pool.phys_base() + pool.size()),
                    unsigned(pool.virt_base()), unsigned(pool.size() / 1024));
            continue;
        }
        unsigned by = serving_node(n);
        if (by == kNoNode) panic("kmem: no node has memory for a kernel pool");
        kprintf("kmem: node %u has no pool (no free memory); served by node %u, distance %u\n", n, by,
                topology.distance[n][by]);
    }
}

}  // namespace kmem
