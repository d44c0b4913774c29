// kmem.h: the NUMA-aware kernel memory allocator (Lab 1, thesis 4.1.1).
//
// Every NUMA node gets a pool of its own physical memory, mapped into the
// kernel area at its own offset. The pools are stacked below kPoolTop, node 0
// highest (the thesis's Figure 4.1):
//
//   kPoolTop  0xF0000000 +---------------------+
//                        | pool of node 0      |  virt = phys + offset[0]
//                        +---------------------+
//                        | pool of node 1      |  virt = phys + offset[1]
//                        +---------------------+
//                        | ...                 |
//   kPoolFloor 0xE0000000 +--------------------+
//
// With one offset per pool, translating an address means first finding the
// pool it falls in. alloc() takes the node to allocate on; free() needs no
// node: the address says which pool the block came from. A node with no
// memory, or whose pool is full, is served by the nearest node (SLIT
// distance) that still has memory.
//
// Who writes what:
//   pool_layout.cc (given)  boot: carve each node's pool out of its SRAT
//                           memory, map it, print it (the thesis's Kickstart)
//   node_pool.cc (Lab 1)    one pool's free list
//   kmem.cc (Lab 1)         choosing the pool, translating addresses
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/per_node.h"
#include "mm/node_pool.h"
#include "platform/topology.h"

namespace kmem {

inline constexpr uintptr_t kPoolTop = 0xF0000000;
inline constexpr uintptr_t kPoolFloor = 0xE0000000;
inline constexpr uint64_t kDefaultPoolBytes = 8 * 1024 * 1024;

// ---- given (pool_layout.cc) ------------------------------------------------

/// Builds every node's pool (at most `pool_bytes` each; 0 = the default),
/// from the topology's memory ranges that are also in `ram` (usable RAM).
void boot_init(const platform::Topology& topology, uint64_t pool_bytes, const platform::MemRange* ram,
               unsigned num_ram);

/// The pools, one per node; a node without memory has an empty pool.
PerNode<mm::NodePool>& pools();

// ---- Lab 1 (kmem.cc) ---------------------------------------------------------

/// Orders, for every node, all nodes with a pool by distance from it
/// (nearest first, ties by node number). Called once at boot, after the
/// pools are built.
void compute_fallback_order(const platform::Topology& topology);

/// The node whose pool serves `node` first: `node` itself if it has a pool,
/// else the nearest node with one; kNoNode when no node has memory.
inline constexpr unsigned kNoNode = ~0u;
unsigned serving_node(unsigned node);

/// `size` bytes from `node`'s pool, or from the nearest pool with room;
/// nullptr when none has room (or size is 0, or node is not a node).
[[nodiscard]] void* alloc(size_t size, unsigned node);

/// Gives back a block from alloc() with the same size; null is ignored.
void free(void* block, size_t size);

/// Translations for pool memory, through the pool the address falls in.
/// Addresses outside every pool give 0 / nullptr.
uint64_t virt_to_phys(const void* virt);
void* phys_to_virt(uint64_t phys);

}  // namespace kmem
