// lab1_alloc.cc: Lab 1 self-tests of kmem::alloc/free on one CPU.
#include "mm/kmem.h"
#include "test/ktest.h"
#include "test/lab1_support.h"

using namespace lab1;

namespace {

constexpr size_t kSizes[] = {1, 100, 1024, 1500, 4096, 8192, 3 * 4096 + 5, 65536};
constexpr unsigned kNumSizes = sizeof(kSizes) / sizeof(kSizes[0]);

void check_restored(ktest::Context& t, const PoolSnapshot& before, const char* when) {
    PoolSnapshot after = PoolSnapshot::take();
    for (unsigned n = 0; n < platform::machine_topology().num_nodes; ++n) {
        t.check(after.free_bytes[n] == before.free_bytes[n], "%s: node %u has %u bytes free, %u before", when, n,
                unsigned(after.free_bytes[n]), unsigned(before.free_bytes[n]));
        t.check(after.free_blocks[n] == before.free_blocks[n], "%s: node %u's free list has %u blocks, %u before (no merging?)",
                when, n, unsigned(after.free_blocks[n]), unsigned(before.free_blocks[n]));
    }
}

// Up to every 64 KiB and 1 KiB piece of every pool (at most 256 MiB of pools).
void* g_blocks[8192];
size_t g_block_sizes[8192];

}  // namespace

KTEST(lab1_own_node, "lab1.alloc_on_own_node") {
    const auto& topo = platform::machine_topology();
    PoolSnapshot before = PoolSnapshot::take();
    for (unsigned n = 0; n < topo.num_nodes; ++n) {
        if (kmem::pools().on(n).empty()) continue;
        void* blocks[kNumSizes];
        for (unsigned i = 0; i < kNumSizes; ++i) {
            blocks[i] = kmem::alloc(kSizes[i], n);
            if (!t.check(blocks[i] != nullptr, "node %u: alloc(%u) failed", n, unsigned(kSizes[i]))) continue;
            t.check(pool_node_of(blocks[i]) == n, "node %u: alloc(%u) came from node %u's pool", n, unsigned(kSizes[i]),
                    pool_node_of(blocks[i]));
            uint64_t phys = kmem::virt_to_phys(blocks[i]);
            t.check(in_node_memory(n, phys, kSizes[i]), "node %u: block at phys 0x%llx is outside the node's memory", n,
                    (unsigned long long)phys);
            stamp(blocks[i], kSizes[i], (n << 16) | i);
        }
        for (unsigned i = 0; i < kNumSizes; ++i)
            if (blocks[i] != nullptr)
                t.check(stamped(blocks[i], kSizes[i], (n << 16) | i), "node %u: block %u was overwritten (overlap?)", n, i);
        for (unsigned i = 0; i < kNumSizes; ++i) kmem::free(blocks[i], kSizes[i]);
    }
    check_restored(t, before, "after freeing");
}

KTEST(lab1_free_counts, "lab1.free_restores_counts") {
    const auto& topo = platform::machine_topology();
    PoolSnapshot before = PoolSnapshot::take();
    unsigned count = 0;
    for (unsigned round = 0; round < 4; ++round)
        for (unsigned n = 0; n < topo.num_nodes; ++n)
            for (unsigned i = 0; i < kNumSizes; ++i) {
                g_block_sizes[count] = kSizes[(i + round) % kNumSizes];
                g_blocks[count] = kmem::alloc(g_block_sizes[count], n);
                t.check(g_blocks[count] != nullptr, "alloc(%u, node %u) failed", unsigned(g_block_sizes[count]), n);
                ++count;
            }
    // Free every other block, then the rest backwards: the free list must merge
    // the pieces back into what it was.
    for (unsigned i = 0; i < count; i += 2) kmem::free(g_blocks[i], g_block_sizes[i]);
    for (unsigned i = count; i > 0; --i)
        if ((i - 1) % 2 == 1) kmem::free(g_blocks[i - 1], g_block_sizes[i - 1]);
    check_restored(t, before, "after freeing in mixed order");
    kmem::free(nullptr, 4096);
    check_restored(t, before, "after free(nullptr)");
}

KTEST(lab1_alignment, "lab1.alignment") {
    const auto& topo = platform::machine_topology();
    PoolSnapshot before = PoolSnapshot::take();
    for (unsigned n = 0; n < topo.num_nodes; ++n) {
        if (kmem::pools().on(n).empty()) continue;
        // A 1 KiB block first, so the next free byte is no longer page aligned.
        void* small = kmem::alloc(1024, n);
        void* page = kmem::alloc(4096, n);
        void* pages = kmem::alloc(3 * 4096 + 100, n);
        void* odd = kmem::alloc(1500, n);
        t.check(small != nullptr && page != nullptr && pages != nullptr && odd != nullptr, "node %u: allocation failed", n);
        t.check(uintptr_t(small) % 1024 == 0, "node %u: 1 KiB block at %p is not 1 KiB aligned", n, small);
        t.check(uintptr_t(page) % 4096 == 0, "node %u: page at %p is not page aligned", n, page);
        t.check(uintptr_t(pages) % 4096 == 0, "node %u: multi-page block at %p is not page aligned", n, pages);
        t.check(uintptr_t(odd) % 1024 == 0, "node %u: 1500-byte block at %p is not 1 KiB aligned", n, odd);
        kmem::free(small, 1024);
        kmem::free(page, 4096);
        kmem::free(pages, 3 * 4096 + 100);
        kmem::free(odd, 1500);
    }
    check_restored(t, before, "after freeing");
}

KTEST(lab1_exhaustion, "lab1.exhaustion") {
    const auto& topo = platform::machine_topology();
    PoolSnapshot before = PoolSnapshot::take();
    t.check(kmem::alloc(0, 0) == nullptr, "alloc(0) did not return null");
    t.check(kmem::alloc(4096, platform::kMaxNodes + 3) == nullptr, "alloc on a node that does not exist did not return null");
    t.check(kmem::alloc(size_t(1) << 30, 0) == nullptr, "alloc(1 GiB) did not return null");
    // Drain every pool through node 0 (fallback reaches all of them): 64 KiB
    // pieces, then 1 KiB pieces for what is left.
    unsigned count = 0;
    const size_t piece_sizes[] = {65536, 1024};
    for (size_t piece : piece_sizes)
        while (count < 8192) {
            void* block = kmem::alloc(piece, 0);
            if (block == nullptr) break;
            g_blocks[count] = block;
            g_block_sizes[count] = piece;
            stamp(block, piece, count);
            ++count;
        }
    t.check(count < 8192, "the pools never ran out");
    for (unsigned n = 0; n < topo.num_nodes; ++n) {
        t.check(kmem::pools().on(n).free_bytes() == 0, "node %u still has %u bytes free but alloc failed", n,
                unsigned(kmem::pools().on(n).free_bytes()));
        t.check(kmem::alloc(1, n) == nullptr, "alloc on node %u succeeded with every pool full", n);
    }
    for (unsigned i = 0; i < count; ++i)
        if (!t.check(stamped(g_blocks[i], g_block_sizes[i], i), "block %u was overwritten while the pools filled up", i)) break;
    for (unsigned i = 0; i < count; ++i) kmem::free(g_blocks[i], g_block_sizes[i]);
    check_restored(t, before, "after freeing everything");
    // Everything merged again: a whole pool is one allocation.
    for (unsigned n = 0; n < topo.num_nodes; ++n) {
        mm::NodePool& pool = kmem::pools().on(n);
        if (pool.empty() || pool.free_bytes() != pool.size()) continue;
        void* all = pool.try_alloc(pool.size());
        t.check(all == reinterpret_cast<void*>(pool.virt_base()), "node %u: the whole pool is not one block again", n);
        pool.free(all, pool.size());
    }
}

KTEST(lab1_fallback, "lab1.fallback_nearest") {
    const auto& topo = platform::machine_topology();
    PoolSnapshot before = PoolSnapshot::take();
    for (unsigned n = 0; n < topo.num_nodes; ++n) {
        // The expected order: nodes with a pool, nearest first, ties by number.
        unsigned first = kmem::kNoNode, second = kmem::kNoNode;
        for (unsigned m = 0; m < topo.num_nodes; ++m) {
            if (kmem::pools().on(m).empty()) continue;
            if (first == kmem::kNoNode || topo.distance[n][m] < topo.distance[n][first]) {
                second = first;
                first = m;
            } else if (second == kmem::kNoNode || topo.distance[n][m] < topo.distance[n][second]) {
                second = m;
            }
        }
        t.check(kmem::serving_node(n) == first, "serving_node(%u) = %u, the nearest node with a pool is %u", n,
                kmem::serving_node(n), first);
        void* block = kmem::alloc(4096, n);
        t.check(block != nullptr && pool_node_of(block) == first, "alloc on node %u came from node %u, expected node %u", n,
                pool_node_of(block), first);
        kmem::free(block, 4096);
        if (first != n || second == kmem::kNoNode) continue;
        // Fill node n's own pool: the next allocation must come from the next nearest.
        mm::NodePool& own = kmem::pools().on(n);
        unsigned count = 0;
        for (void* b; count < 8192 && (b = own.try_alloc(1024)) != nullptr; ++count) g_blocks[count] = b;
        block = kmem::alloc(4096, n);
        t.check(block != nullptr && pool_node_of(block) == second,
                "with node %u's pool full, alloc came from node %u, expected node %u (distance %u)", n, pool_node_of(block),
                second, second == kmem::kNoNode ? 0 : topo.distance[n][second]);
        kmem::free(block, 4096);
        for (unsigned i = 0; i < count; ++i) own.free(g_blocks[i], 1024);
    }
    check_restored(t, before, "after freeing");
}
