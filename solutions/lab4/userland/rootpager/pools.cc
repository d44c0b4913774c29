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
#include "l4/lab.h"
#include "l4/sigma0_client.h"
#include "numa/pool.h"
#include "numa/topology.h"

namespace rootpager {

using api::Word;
using numa::PoolChunk;

namespace {

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

}  // namespace

/// (1) Fills node `node`'s pool slot from sigma0, in the largest fpages that fit, up to
/// `bytes`; records each fpage in `chunks` and returns the bytes it got (0: the node
/// has no memory).
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

/// (2) The node whose pool node `node`'s pagers use: its own if it has one, else the
/// nearest node with a pool (the smallest SLIT distance; the lower number on a tie).
unsigned nearest_pool_node(const numa::System& system, unsigned node) {
    if (system.has_pool[node]) return node;
    unsigned best = node;
    unsigned best_distance = ~0u;
    for (unsigned other = 0; other < system.nodes; ++other) {
        if (!system.has_pool[other]) continue;
        unsigned distance = numa::node_distance(node, other);
        if (distance < best_distance) {
            best = other;
            best_distance = distance;
        }
    }
    return best;
}

bool acquire_pools(numa::System& system, Word bytes, bool per_node) {
    bool any = false;
    for (unsigned node = 0; node < system.nodes; ++node) {
        system.has_pool[node] = false;
        if (!per_node && any) continue;  // pools=one: the first node with memory only
        PoolChunk chunks[numa::Pool::kMaxChunks];
        unsigned count = 0;
        Word got = take_node_memory(node, bytes, chunks, &count);
        if (got == 0) continue;
        system.has_pool[node] = true;
        numa::Pool::of_node(node).init(node, chunks, count, got);
        any = true;
    }
    if (!any) {
        l4::lab_printf("rootpager: sigma0 gave no node any memory");
        return false;
    }
    for (unsigned node = 0; node < system.nodes; ++node) system.pool_node[node] = nearest_pool_node(system, node);
    return true;
}

}  // namespace rootpager
