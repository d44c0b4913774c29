// pools.cc: taking one pool per node from sigma0 (pools.h). Lab 4.
//
// sigma0 hands a node's memory out in naturally aligned fpages (Proxima's node request,
// l4/sigma0_client.h, docs/kip-numa.md). Each request names a receive window of the
// same size at the next free offset of the pool's slot, so the fpage lands exactly
// there: the pool is contiguous in the root pager's space even where the node's memory
// is not. Large fpages first (4 MiB: few requests, and the pagers can be given a pool
// in few mappings), smaller ones when sigma0 has no large one left, until the pool has
// `bytes` or the node has nothing more.
//
// Test: numa.pools_on_their_nodes (every chunk's physical pages on the pool's node).
#include "pools.h"

#include "api/fpage.h"
#include "l4/kdebug.h"
#include "l4/print.h"
#include "l4/sigma0_client.h"
#include "numa/pool.h"

namespace rootpager {

namespace {

using api::Word;
using numa::PoolChunk;

constexpr unsigned kLargestLog2 = 22;  // 4 MiB
constexpr unsigned kSmallestLog2 = 12;

/// The largest fpage size that fits at `offset` (alignment) and below `bytes`.
unsigned largest_fit(Word offset, Word bytes) {
    for (unsigned log2 = kLargestLog2; log2 > kSmallestLog2; --log2) {
        Word size = Word{1} << log2;
        if (offset % size == 0 && offset + size <= bytes) return log2;
    }
    return kSmallestLog2;
}

/// Fills node `node`'s pool slot from sigma0; returns the bytes it got.
Word take_node_memory(unsigned node, Word bytes, PoolChunk* chunks, unsigned* chunk_count) {
    Word offset = 0;
    unsigned log2 = largest_fit(0, bytes);
    while (offset < bytes && *chunk_count < numa::Pool::kMaxChunks) {
        Word size = Word{1} << log2;
        api::Fpage window = api::Fpage::memory(numa::pool_base(node) + offset, log2, api::Rights::None);
        api::Fpage got = l4::sigma0::request_on_node(node, log2, window);
        if (got.is_nil()) {
            if (log2 == kSmallestLog2) break;  // the node has no page left
            --log2;
            continue;
        }
        chunks[(*chunk_count)++] = PoolChunk{offset, got.address(), log2};
        offset += size;
        unsigned next = largest_fit(offset, bytes);
        if (next < log2) log2 = next;
    }
    return offset;
}

}  // namespace

bool acquire_pools(numa::System& system, Word bytes) {
    for (unsigned node = 0; node < system.nodes; ++node) {
        PoolChunk chunks[numa::Pool::kMaxChunks];
        unsigned count = 0;
        Word got = take_node_memory(node, bytes, chunks, &count);
        system.has_pool[node] = got != 0;
        if (got != 0) numa::Pool::of_node(node).init(node, chunks, count, got);
    }
    // Every node allocates from its own pool, or from the nearest one with memory.
    bool any = false;
    for (unsigned node = 0; node < system.nodes; ++node) {
        unsigned best = node;
        unsigned best_distance = ~0u;
        for (unsigned other = 0; other < system.nodes; ++other) {
            if (!system.has_pool[other]) continue;
            unsigned distance = other == node ? 0 : l4::kdebug::node_distance(node, other);
            if (distance < best_distance) {
                best = other;
                best_distance = distance;
            }
        }
        system.pool_node[node] = best;
        any = any || system.has_pool[node];
    }
    if (!any) l4::printf("rootpager: sigma0 gave no node any memory\n");
    return any;
}

}  // namespace rootpager
