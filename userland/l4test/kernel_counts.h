// kernel_counts.h: what a leak check compares: the kernel's counts of what tests make
// and delete (spaces, threads, mapping nodes, page tables, free kernel memory and the
// per-node pools' share of it), read through the kernel debugger's statistics
// (l4/kdebug.h).
#pragma once

#include "test_case.h"

namespace l4test {

struct KernelCounts {
    unsigned spaces, threads, mapping_nodes, page_tables, free_bytes;
    unsigned pool_free_sum;  ///< the per-node pools' free bytes added up: must equal free_bytes
};

/// The counts now, after a short sleep that lets every CPU finish what deletions left
/// it to do.
[[nodiscard]] KernelCounts kernel_counts();

/// Fails `t` (false) unless every count of `after` equals `before`'s and `after`'s
/// pools add up to its free bytes; says which not.
[[nodiscard]] bool counts_back(TestContext& t, const KernelCounts& before, const KernelCounts& after);

}  // namespace l4test
