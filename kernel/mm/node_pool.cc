// node_pool.cc: the free list of one node's kernel memory pool (Lab 1).
//
// What it does: first-fit allocation from an address-sorted free list, with
// alignment, and freeing with coalescing; see node_pool.h for the picture.
// Invariants: free blocks never overlap or touch (touching blocks are merged),
// every free block is granule aligned and a multiple of kGranule, and
// m_free_bytes is the sum of their sizes.
// Lock: m_lock around every walk or change of the list.
// Tests: tests/host/node_pool_test.cc; in the kernel lab1.* (kernel/test/lab1_*.cc).
// Thesis: 4.1.1, "A NUMA-Aware Kernel Memory Allocator".
#include "mm/node_pool.h"

#include "lib/lab.h"

namespace mm {

void NodePool::init(unsigned node, uint64_t phys_base, uintptr_t virt_base, size_t size) {
    // LAB 1: your code here
    // Remember where the pool is, then make the whole pool one free block.
    lab_missing(1, "kernel/mm/node_pool.cc", "NodePool::init");
}

void* NodePool::try_alloc(size_t size) {
    // LAB 1: your code here
    // Round size up to kGranule; walk the free list for the first block that
    // holds `size` bytes at the right alignment; split off what is left.
    lab_missing(1, "kernel/mm/node_pool.cc", "NodePool::try_alloc");
}

void NodePool::free(void* block, size_t size) {
    // LAB 1: your code here
    // Insert the block in address order and merge it with touching neighbours.
    lab_missing(1, "kernel/mm/node_pool.cc", "NodePool::free");
}

}  // namespace mm
