// kmem.cc: choosing a node's pool and translating pool addresses (Lab 1).
//
// What it does: alloc() tries the requested node's pool, then the other pools
// in order of SLIT distance; free() and the translations find the pool an
// address falls in (each pool has its own virtual-to-physical offset).
// Invariants: the fallback order of node n lists exactly the nodes with a
// pool, nearest first; it is written once at boot, before any CPU allocates,
// and only read after.
// Lock: none here: each pool locks itself (node_pool.h).
// Tests: lab1.* in kernel/test/lab1_*.cc.
// Thesis: 4.1.1, Figure 4.1.
#include "mm/kmem.h"

#include "lib/lab.h"

namespace kmem {

void compute_fallback_order(const platform::Topology& topology) {
    // LAB 1: your code here
    // For every node, list the nodes that have a pool (pools().on(n).empty()
    // is false) sorted by topology.distance[from][to], ties by node number.
    lab_missing(1, "kernel/mm/kmem.cc", "kmem::compute_fallback_order");
}

unsigned serving_node(unsigned node) {
    // LAB 1: your code here
    lab_missing(1, "kernel/mm/kmem.cc", "kmem::serving_node");
}

void* alloc(size_t size, unsigned node) {
    // LAB 1: your code here
    // Try the pools in the node's fallback order; the first that has room wins.
    lab_missing(1, "kernel/mm/kmem.cc", "kmem::alloc");
}

void free(void* block, size_t size) {
    // LAB 1: your code here
    // Find the pool the address falls in; a block in no pool is a kernel bug.
    lab_missing(1, "kernel/mm/kmem.cc", "kmem::free");
}

uint64_t virt_to_phys(const void* virt) {
    // LAB 1: your code here
    lab_missing(1, "kernel/mm/kmem.cc", "kmem::virt_to_phys");
}

void* phys_to_virt(uint64_t phys) {
    // LAB 1: your code here
    lab_missing(1, "kernel/mm/kmem.cc", "kmem::phys_to_virt");
}

}  // namespace kmem
