// pool.h: a node pool of the NUMA OS: memory of one NUMA node, taken from sigma0 by the
// root pager and shared by every pager (thesis 4.2.1, "Synchronization of Free Lists").
//
// Node n's pool lies at pool_base(n) (layout.h) in the root pager and in every
// application pager. Its first page is this header; the rest are page frames:
//
//   pool_base(n)                                                         pool_base(n) + size
//   | Pool header | owners | frames handed out, or on the free list | never used yet |
//                                                                  ^ m_next_unused
//
// allocate() takes a frame from the free list, else the next never-used one, and zeroes
// it; release() puts it on the free list (its first word links to the next). Only
// pagers of the pool's own node allocate from it (first touch); any pager may give a
// frame back to the pool it came from (a task that ends). The root pager allocates
// the pagers' own pages (their image copies, their data) from the same pools before any
// task exists. m_lock, a spin lock in the shared page, guards the counts and the lists
// across all those address spaces.
//
// `owners` is the reverse map (thesis 4.2.1: a pager must know, for a frame of its pool,
// which task maps it where, to unmap it): one word per frame, set by whoever holds the
// frame (set_owner) and cleared by release(). The application pagers store the task and
// the virtual page there (apppager/task.h); 0 means a frame of no task (a table, a
// pager's own page).
//
// The header also records where the pool lies in physical memory: the chunks sigma0
// gave, each a naturally aligned power of two, so that tests can check that every
// frame is on the pool's node.
#pragma once

#include "api/word.h"
#include "l4/spin_lock.h"
#include "numa/layout.h"

namespace numa {

struct PoolChunk {
    Word offset;    ///< from pool_base(node)
    Word physical;  ///< where sigma0's fpage lies
    Word log2_size;
};

class Pool {
public:
    static constexpr unsigned kMaxChunks = 64;

    /// The pool of node `node`, at pool_base(node), as the root pager made it.
    [[nodiscard]] static Pool& of_node(unsigned node) { return *reinterpret_cast<Pool*>(pool_base(node)); }
    /// The pool a frame address belongs to.
    [[nodiscard]] static Pool& of_frame(Word frame) { return of_node(pool_slot_of(frame)); }

    /// Root pager, before any pager starts: an empty pool of node `node` whose pages
    /// sigma0 put at pool_base(node) .. + size (the header page must be among them).
    void init(unsigned node, const PoolChunk* chunks, unsigned chunk_count, Word size);

    /// A zeroed frame, or 0 when the pool is used up.
    [[nodiscard]] Word allocate();
    /// Root pager, at start: `pages` consecutive zeroed frames that were never used
    /// (for the System record and the OS area), or 0.
    [[nodiscard]] Word allocate_consecutive(Word pages);
    /// Gives `frame` (one of this pool's, from allocate()) back; clears its owner.
    void release(Word frame);
    /// The reverse map: who holds `frame` (one of this pool's frames), 0 if nobody said.
    void set_owner(Word frame, Word owner) { __atomic_store_n(&owner_slot(frame), owner, __ATOMIC_RELEASE); }
    [[nodiscard]] Word owner(Word frame) { return __atomic_load_n(&owner_slot(frame), __ATOMIC_ACQUIRE); }

    [[nodiscard]] unsigned node() const { return m_node; }
    [[nodiscard]] Word size() const { return m_size; }
    [[nodiscard]] Word base() const { return pool_base(m_node); }
    [[nodiscard]] Word total_frames() const { return m_size / kPageSize - 1; }
    [[nodiscard]] Word frames_in_use();
    [[nodiscard]] unsigned chunk_count() const { return m_chunk_count; }
    [[nodiscard]] const PoolChunk& chunk(unsigned i) const { return m_chunks[i]; }
    /// The chunk that holds `address` (in this pool's slot), or null.
    [[nodiscard]] const PoolChunk* chunk_at(Word address) const;
    /// The physical address of pool address `address`, 0 if the pool has none there.
    [[nodiscard]] Word physical(Word address) const;

private:
    [[nodiscard]] Word& owner_slot(Word frame) { return m_owners[(frame - base()) / kPageSize]; }

    l4::SpinLock m_lock;
    Word* m_owners = nullptr;  ///< one word per page of the pool, right after the header
    unsigned m_node = 0;
    Word m_size = 0;
    Word m_next_unused GUARDED_BY(m_lock) = 0;  ///< offset of the first never-used frame
    Word m_free_list GUARDED_BY(m_lock) = 0;    ///< the first free frame; 0: none
    Word m_in_use GUARDED_BY(m_lock) = 0;
    unsigned m_chunk_count = 0;
    PoolChunk m_chunks[kMaxChunks];
};

static_assert(sizeof(Pool) <= kPageSize);

}  // namespace numa
