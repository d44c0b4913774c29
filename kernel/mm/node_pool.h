// node_pool.h: one NUMA node's kernel memory pool (Lab 1, thesis 4.1.1).
//
// A pool is one contiguous block of a node's physical memory, mapped into the
// kernel area at its own virtual base. Inside it, free memory is a list of
// blocks sorted by address; each free block stores its own header (size and
// next pointer) in its first bytes, so the pool needs no memory of its own:
//
//   m_virt_base                                             m_virt_base + m_size
//   |--used--|[FreeBlock 3 KiB]--used----|[FreeBlock 12 KiB]------used-------|
//   m_free ---------^ next ------------------^ next = nullptr
//
// Sizes are rounded up to kGranule (1 KiB). An allocation of a page or more
// starts on a page boundary; a smaller one on a granule boundary. free()
// puts a block back in address order and merges it with free neighbours, so
// a pool that had everything freed is one block again.
//
// Lock: m_lock guards the free list and m_free_bytes; different pools have
// different locks, so CPUs of different nodes never contend.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/spin_lock.h"

namespace mm {

class NodePool {
public:
    static constexpr size_t kGranule = 1024;
    static constexpr size_t kPageSize = 4096;

    /// Makes [virt_base, virt_base + size) one free block. `size` is a
    /// multiple of kPageSize and the range is already mapped to `phys_base`.
    void init(unsigned node, uint64_t phys_base, uintptr_t virt_base, size_t size) EXCLUDES(m_lock);

    /// `size` bytes (rounded up to kGranule), aligned as described above, or
    /// nullptr when no free block is large enough or size is 0.
    [[nodiscard]] void* try_alloc(size_t size) EXCLUDES(m_lock);

    /// Returns a block from try_alloc() with the same `size`.
    void free(void* block, size_t size) EXCLUDES(m_lock);

    bool empty() const { return m_size == 0; }
    unsigned node() const { return m_node; }
    uint64_t phys_base() const { return m_phys_base; }
    uintptr_t virt_base() const { return m_virt_base; }
    size_t size() const { return m_size; }
    size_t free_bytes() const { return __atomic_load_n(&m_free_bytes, __ATOMIC_RELAXED); }

    /// Blocks on the free list: 1 for a pool that is untouched or entirely
    /// freed again (if free() merges as it should), 0 for a full pool.
    size_t free_blocks() EXCLUDES(m_lock) {
        SpinLockGuard guard(m_lock);
        size_t count = 0;
        for (const FreeBlock* block = m_free; block != nullptr; block = block->next) ++count;
        return count;
    }

    bool contains_virt(uintptr_t virt) const { return virt - m_virt_base < m_size; }
    bool contains_phys(uint64_t phys) const { return phys - m_phys_base < m_size; }

private:
    struct FreeBlock {
        size_t size;  // bytes, a multiple of kGranule
        FreeBlock* next;
    };

    // Set once by init(), read-only afterwards.
    unsigned m_node = 0;
    uint64_t m_phys_base = 0;
    uintptr_t m_virt_base = 0;
    size_t m_size = 0;

    SpinLock m_lock;
    FreeBlock* m_free GUARDED_BY(m_lock) = nullptr;
    size_t m_free_bytes = 0;  // written under m_lock, read without (statistics)
};

}  // namespace mm
