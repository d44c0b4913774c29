// lab1_layout.cc: Lab 1 self-tests of the pools' placement and translations.
#include "lib/string.h"
#include "mm/kmem.h"
#include "test/ktest.h"
#include "test/lab1_support.h"

using namespace lab1;

extern "C" char _kernel_start[], _kernel_end[];

KTEST(lab1_pools_in_srat, "lab1.pools_in_srat_ranges") {
    const auto& topo = platform::machine_topology();
    unsigned with_pool = 0;
    for (unsigned n = 0; n < topo.num_nodes; ++n) {
        mm::NodePool& pool = kmem::pools().on(n);
        // What the grader checks against the machine's definition on its own:
        // every node's pool, where it lies (grader evidence "pool_ranges").
        if (pool.empty()) t.evidence("node=%u pool=none", n);
        else
            t.evidence("node=%u pool=0x%llx-0x%llx", n, (unsigned long long)pool.phys_base(),
                       (unsigned long long)(pool.phys_base() + pool.size()));
        if (pool.empty()) {
            t.check(topo.nodes[n].num_ranges == 0 || kmem::serving_node(n) != n,
                    "node %u has memory but no pool, and serving_node says it serves itself", n);
            continue;
        }
        ++with_pool;
        t.check(pool.node() == n, "pool of node %u says it belongs to node %u", n, pool.node());
        t.check(in_node_memory(n, pool.phys_base(), pool.size()), "node %u's pool 0x%llx+0x%x is outside its SRAT memory",
                n, (unsigned long long)pool.phys_base(), unsigned(pool.size()));
        t.check(pool.virt_base() >= kmem::kPoolFloor && pool.virt_base() + pool.size() <= kmem::kPoolTop,
                "node %u's pool at virt 0x%x is outside [kPoolFloor, kPoolTop)", n, unsigned(pool.virt_base()));
        t.check(pool.free_bytes() <= pool.size(), "node %u: %u bytes free in a pool of %u", n,
                unsigned(pool.free_bytes()), unsigned(pool.size()));
        uint64_t kernel_lo = mm::virt_to_phys(_kernel_start), kernel_hi = mm::virt_to_phys(_kernel_end);
        t.check(pool.phys_base() >= kernel_hi || pool.phys_base() + pool.size() <= kernel_lo,
                "node %u's pool overlaps the kernel image", n);
        for (unsigned m = 0; m < n; ++m) {
            mm::NodePool& other = kmem::pools().on(m);
            if (other.empty()) continue;
            t.check(pool.phys_base() + pool.size() <= other.phys_base() || other.phys_base() + other.size() <= pool.phys_base(),
                    "pools of nodes %u and %u overlap in physical memory", m, n);
            t.check(pool.virt_base() + pool.size() <= other.virt_base() || other.virt_base() + other.size() <= pool.virt_base(),
                    "pools of nodes %u and %u overlap in virtual memory", m, n);
        }
    }
    t.check(with_pool > 0, "no node has a pool");
}

KTEST(lab1_roundtrip, "lab1.virt_phys_roundtrip") {
    const auto& topo = platform::machine_topology();
    for (unsigned n = 0; n < topo.num_nodes; ++n) {
        mm::NodePool& pool = kmem::pools().on(n);
        if (pool.empty()) continue;
        const size_t offsets[] = {0, 4096, pool.size() / 2 + 12, pool.size() - 4096, pool.size() - 4};
        for (size_t off : offsets) {
            uintptr_t virt = pool.virt_base() + off;
            uint64_t phys = kmem::virt_to_phys(reinterpret_cast<void*>(virt));
            t.check(phys == pool.phys_base() + off, "node %u: virt_to_phys(0x%x) = 0x%llx, expected 0x%llx", n,
                    unsigned(virt), (unsigned long long)phys, (unsigned long long)(pool.phys_base() + off));
            t.check(kmem::phys_to_virt(pool.phys_base() + off) == reinterpret_cast<void*>(virt),
                    "node %u: phys_to_virt(0x%llx) is not 0x%x", n, (unsigned long long)(pool.phys_base() + off),
                    unsigned(virt));
        }
        // The translation must match the hardware: write through the pool's
        // mapping, read through another mapping of the same physical word.
        // Use a block the allocator hands out, so no free-list header is hit.
        auto* word = static_cast<volatile uint32_t*>(pool.try_alloc(4096));
        if (!t.check(word != nullptr, "node %u: no page free for the check", n)) continue;
        *word = 0xC0DE0000u | n;
        volatile uint32_t* other = physical_word(kmem::virt_to_phys(const_cast<uint32_t*>(word)));
        t.check(other != nullptr && *other == (0xC0DE0000u | n), "node %u: the pool's mapping and its physical address disagree", n);
        pool.free(const_cast<uint32_t*>(word), 4096);
    }
    t.check(kmem::virt_to_phys(_kernel_start) == 0, "virt_to_phys of the kernel image (no pool) is not 0");
    t.check(kmem::virt_to_phys(reinterpret_cast<void*>(kmem::kPoolTop)) == 0, "virt_to_phys(kPoolTop) is not 0");
    t.check(kmem::phys_to_virt(0) == nullptr, "phys_to_virt(0) (no pool) is not null");
}
