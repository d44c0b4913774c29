// mappings.h: the kernel's one mapping database, over every Space's page
// tables (mapping_db.h explains the database itself).
//
// Every operation runs under one outer lock, taken with
// smp::lock_serving_calls: the database holds its lock across TLB shootdowns,
// which wait for other CPUs, so a CPU waiting for the lock must keep
// answering cross calls (smp/cross_call.h).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "mm/mapping_db.h"
#include "mm/space.h"

namespace mm {

/// sigma0's memory: `space` holds [vaddr, vaddr + size) -> [phys, ...) from nobody.
[[nodiscard]] MdbError add_root(Space* space, uintptr_t vaddr, uint64_t phys, size_t size, Rights rights);

/// L4 map (grant = false) or grant of [from_addr, from_addr + size) to [to_addr, ...).
[[nodiscard]] MdbError map(Space* from, uintptr_t from_addr, Space* to, uintptr_t to_addr, size_t size,
                           Rights rights, bool grant);

/// L4 unmap (flush = false: only what was derived) or flush (the space's own mappings too).
[[nodiscard]] MdbError unmap(Space* space, uintptr_t addr, size_t size, Rights rights, bool flush, Rights& status);

/// Mapping nodes in use, for leak checks.
size_t mapping_node_count();

}  // namespace mm
