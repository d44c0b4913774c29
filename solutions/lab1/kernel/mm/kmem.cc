// kmem.cc: choosing a node's pool and translating pool addresses (Lab 1).
//
// What it does: alloc() tries the requested node's pool, then the other pools
// in order of SLIT distance; free() and the translations find the pool an
// address falls in (each pool has its own virtual-to-physical offset).
// Invariants: g_order[n] lists exactly the nodes with a pool, nearest first;
// it is written once at boot, before any CPU allocates, and only read after.
// Lock: none here: each pool locks itself (node_pool.h).
// Tests: lab1.* in kernel/test/lab1_*.cc.
// Thesis: 4.1.1, Figure 4.1.
#include "mm/kmem.h"

#include "lib/panic.h"

namespace kmem {
namespace {

unsigned g_order[platform::kMaxNodes][platform::kMaxNodes];
unsigned g_order_length[platform::kMaxNodes];
unsigned g_num_nodes;

mm::NodePool* pool_of_virt(uintptr_t virt) {
    for (unsigned n = 0; n < g_num_nodes; ++n)
        if (pools().on(n).contains_virt(virt)) return &pools().on(n);
    return nullptr;
}

}  // namespace

void compute_fallback_order(const platform::Topology& topology) {
    g_num_nodes = topology.num_nodes;
    for (unsigned from = 0; from < topology.num_nodes; ++from) {
        unsigned length = 0;
        // Insertion sort by distance; equal distances keep node-number order.
        for (unsigned to = 0; to < topology.num_nodes; ++to) {
            if (pools().on(to).empty()) continue;
            unsigned i = length++;
            while (i > 0 && topology.distance[from][g_order[from][i - 1]] > topology.distance[from][to]) {
                g_order[from][i] = g_order[from][i - 1];
                --i;
            }
            g_order[from][i] = to;
        }
        g_order_length[from] = length;
    }
}

unsigned serving_node(unsigned node) {
    if (node >= g_num_nodes || g_order_length[node] == 0) return kNoNode;
    return g_order[node][0];
}

void* alloc(size_t size, unsigned node) {
    if (node >= g_num_nodes) return nullptr;
    for (unsigned i = 0; i < g_order_length[node]; ++i) {
        void* block = pools().on(g_order[node][i]).try_alloc(size);
        if (block != nullptr) return block;
    }
    return nullptr;
}

void free(void* block, size_t size) {
    if (block == nullptr) return;
    mm::NodePool* pool = pool_of_virt(uintptr_t(block));
    if (pool == nullptr) panic("kmem::free(%p): not in any node's pool", block);
    pool->free(block, size);
}

uint64_t virt_to_phys(const void* virt) {
    mm::NodePool* pool = pool_of_virt(uintptr_t(virt));
    if (pool == nullptr) return 0;
    return pool->phys_base() + (uintptr_t(virt) - pool->virt_base());
}

void* phys_to_virt(uint64_t phys) {
    for (unsigned n = 0; n < g_num_nodes; ++n) {
        const mm::NodePool& pool = pools().on(n);
        if (pool.contains_phys(phys)) return reinterpret_cast<void*>(pool.virt_base() + uintptr_t(phys - pool.phys_base()));
    }
    return nullptr;
}

}  // namespace kmem
