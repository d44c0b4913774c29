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
#include "numa/system.h"

namespace rootpager {

/// Takes up to `bytes` (a multiple of 4 KiB) of each node's memory from sigma0 into
/// that node's pool slot, makes the pools' headers, and fills system.has_pool and
/// system.pool_node. False (with a message) if no node has memory at all.
[[nodiscard]] bool acquire_pools(numa::System& system, api::Word bytes);

}  // namespace rootpager
