// lab1_hidden.cc: a hidden Lab 1 self-test (instructor kit only).
//
// One-byte allocations must each take exactly one 1 KiB granule: a pool of
// S bytes hands out S / 1024 of them, then null, and takes them all back.
#include "mm/kmem.h"
#include "platform/machine.h"
#include "test/ktest.h"

namespace {

void* g_granules[16384];

}  // namespace

KTEST(lab1_hidden_granules, "lab1.hidden.granule_accounting") {
    const auto& topo = platform::machine_topology();
    for (unsigned n = 0; n < topo.num_nodes; ++n) {
        mm::NodePool& pool = kmem::pools().on(n);
        if (pool.empty() || pool.free_bytes() != pool.size() || pool.size() / 1024 > 16384) continue;
        size_t count = 0;
        while (count < 16384 && (g_granules[count] = pool.try_alloc(1)) != nullptr) ++count;
        t.evidence("node=%u granules=%u pool_kib=%u", n, unsigned(count), unsigned(pool.size() / 1024));
        t.check(count == pool.size() / 1024, "node %u: %u one-byte blocks from a %u KiB pool", n, unsigned(count),
                unsigned(pool.size() / 1024));
        t.check(pool.free_bytes() == 0, "node %u: %u bytes still free", n, unsigned(pool.free_bytes()));
        for (size_t i = 0; i < count; ++i) pool.free(g_granules[i], 1);
        t.check(pool.free_bytes() == pool.size() && pool.free_blocks() == 1, "node %u: the pool did not come back whole", n);
    }
}
