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

/// (1) Fills node `node`'s pool slot from sigma0, in the largest fpages that fit, up to
/// `bytes`; records each fpage in `chunks` and returns the bytes it got (0: the node
/// has no memory).
Word take_node_memory(unsigned node, Word bytes, PoolChunk* chunks, unsigned* chunk_count) {
    // LAB 4: your code here
    // Ask sigma0 for memory on `node` (l4::sigma0::request_on_node) in naturally aligned
    // fpages, largest first (4 MiB, then smaller when sigma0 has none that large), each
    // received into a window of its own size at the next free offset of the slot
    // (numa::pool_base(node) + offset), so that it lands exactly there. Record each as
    // PoolChunk{offset, physical address, log2 size}; stop at `bytes`, when the node has
    // not even one page left, or at numa::Pool::kMaxChunks chunks. Return the bytes taken.
    l4::lab_missing(4, "userland/rootpager/pools.cc", "rootpager::take_node_memory");
}

/// (2) The node whose pool node `node`'s pagers use: its own if it has one, else the
/// nearest node with a pool (the smallest SLIT distance; the lower number on a tie).
unsigned nearest_pool_node(const numa::System& system, unsigned node) {
    // LAB 4: your code here
    // A node with a pool (system.has_pool) uses its own. Any other node uses the pool of
    // the node with a pool at the smallest SLIT distance (numa::node_distance), the lower
    // node number on a tie.
    l4::lab_missing(4, "userland/rootpager/pools.cc", "rootpager::nearest_pool_node");
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
