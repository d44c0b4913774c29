// pools.h: one memory pool per NUMA node, taken from sigma0 (thesis 4.2.1: "The master
// thread then acquires a pool of memory from each node from Sigma0 and maps these pools
// to predefined locations within its own address space").
//
// Node n's pool lies at numa::pool_base(n) in the root pager's space (numa/layout.h),
// and at the same address in every application pager's, which the root pager maps it
// into on their page faults (pagers.h). Its first page is the pool's header
// (numa/pool.h). A node without memory gets no pool: its CPUs allocate from the pool
// of the nearest node that has one (the SLIT distance, which the kernel reports).
#pragma once

#include "api/word.h"
#include "numa/pool.h"
#include "numa/system.h"

namespace rootpager {

/// Takes up to `bytes` (a multiple of 4 KiB) of each node's memory from sigma0 into
/// that node's pool slot, makes the pools' headers, and fills system.has_pool and
/// system.pool_node. With `per_node` false (`pools=one` on the kernel command line, the
/// switch that turns Lab 4's NUMA placement off) only the first node with memory gets
/// a pool, and every pager uses it. False (with a message) if no node has memory.
[[nodiscard]] bool acquire_pools(numa::System& system, api::Word bytes, bool per_node);

/// Lab 4, (1): fills node `node`'s pool slot from sigma0 with up to `bytes`, in
/// naturally aligned fpages recorded in `chunks`; the bytes it got (0: no memory).
[[nodiscard]] api::Word take_node_memory(unsigned node, api::Word bytes, numa::PoolChunk* chunks,
                                         unsigned* chunk_count);
/// Lab 4, (2): the node whose pool the pagers of node `node` use: its own, or the
/// nearest node with a pool.
[[nodiscard]] unsigned nearest_pool_node(const numa::System& system, unsigned node);

}  // namespace rootpager
