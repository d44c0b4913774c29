// node_pool.cc: the free list of one node's kernel memory pool (Lab 1).
//
// What it does: first-fit allocation from an address-sorted free list, with
// alignment, and freeing with coalescing; see node_pool.h for the picture.
// Invariants: free blocks never overlap or touch (touching blocks are merged),
// every free block is granule aligned and a multiple of kGranule, and
// m_free_bytes is the sum of their sizes.
// Lock: m_lock around every walk or change of the list.
// Tests: tests/host/node_pool_test.cc; in the kernel lab1.* (kernel/test/lab1_*.cc).
// Thesis: 4.1.1, "A NUMA-Aware Kernel Memory Allocator".
#include "mm/node_pool.h"

namespace mm {
namespace {

size_t round_up(size_t value, size_t to) { return (value + to - 1) / to * to; }

}  // namespace

void NodePool::init(unsigned node, uint64_t phys_base, uintptr_t virt_base, size_t size) {
    m_node = node;
    m_phys_base = phys_base;
    m_virt_base = virt_base;
    m_size = size;
    SpinLockGuard guard(m_lock);
    m_free = reinterpret_cast<FreeBlock*>(virt_base);
    m_free->size = size;
    m_free->next = nullptr;
    m_free_bytes = size;
}

void* NodePool::try_alloc(size_t size) {
    if (size == 0 || size > m_size) return nullptr;
    size = round_up(size, kGranule);
    size_t align = size >= kPageSize ? kPageSize : kGranule;

    SpinLockGuard guard(m_lock);
    FreeBlock** link = &m_free;
    for (FreeBlock* block = m_free; block != nullptr; link = &block->next, block = block->next) {
        uintptr_t start = uintptr_t(block);
        uintptr_t aligned = round_up(start, align);
        uintptr_t block_end = start + block->size;
        if (aligned + size > block_end || aligned + size < aligned) continue;

        // Split the block into [front gap][allocation][tail], keeping the gaps free.
        FreeBlock* next = block->next;
        size_t front = aligned - start;
        size_t tail = block_end - (aligned + size);
        if (tail != 0) {
            auto* rest = reinterpret_cast<FreeBlock*>(aligned + size);
            rest->size = tail;
            rest->next = next;
            next = rest;
        }
        if (front != 0) {
            block->size = front;
            block->next = next;
        } else {
            *link = next;
        }
        m_free_bytes -= size;
        return reinterpret_cast<void*>(aligned);
    }
    return nullptr;
}

void NodePool::free(void* pointer, size_t size) {
    if (pointer == nullptr || size == 0) return;
    size = round_up(size, kGranule);
    uintptr_t start = uintptr_t(pointer);

    SpinLockGuard guard(m_lock);
    // Find the free blocks just before and just after the freed one.
    FreeBlock* prev = nullptr;
    FreeBlock* next = m_free;
    while (next != nullptr && uintptr_t(next) < start) {
        prev = next;
        next = next->next;
    }
    auto* block = reinterpret_cast<FreeBlock*>(start);
    block->size = size;
    block->next = next;
    if (next != nullptr && start + size == uintptr_t(next)) {  // merge with the follower
        block->size += next->size;
        block->next = next->next;
    }
    if (prev != nullptr && uintptr_t(prev) + prev->size == start) {  // merge into the predecessor
        prev->size += block->size;
        prev->next = block->next;
    } else if (prev != nullptr) {
        prev->next = block;
    } else {
        m_free = block;
    }
    m_free_bytes += size;
}

}  // namespace mm
