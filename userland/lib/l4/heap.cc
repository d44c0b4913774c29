// heap.cc: the user heap: first fit over an address-ordered free list (contract in heap.h).
//
//   __heap_start                                         m_top                   kHeapEnd
//   |[hdr|used...][hdr|free....][hdr|used][hdr|free]...|  untouched addresses  |
//                  ^ m_free ------------------> ^
//
// Every block starts with a Header; `size` counts the header too and is a multiple of 16.
// Free blocks are linked through `next` in address order, and no two free blocks touch
// (free merges them), nor does a free block touch m_top (free gives it back).
#include "l4/heap.h"

#include <stdint.h>

#include "l4/kdebug.h"
#include "l4/print.h"
#include "l4/spin_lock.h"
#include "l4/string.h"

extern "C" char __heap_start[];

namespace l4::heap {

namespace {

using api::Word;

constexpr Word kUsedMagic = 0x0A110CED;
constexpr Word kFreeMagic = 0x0F4EEB10;

struct alignas(kAlignment) Header {
    Word size;   // of the whole block, header included
    Word magic;  // kUsedMagic or kFreeMagic: catches double frees and wild pointers
    Header* next;  // free blocks only: the next free block up
};
static_assert(sizeof(Header) == kAlignment);

/// A remainder smaller than this stays with the block it was split from.
constexpr Word kMinBlock = 2 * sizeof(Header);

uintptr_t end_of(const Header* h) { return reinterpret_cast<uintptr_t>(h) + h->size; }

class Heap {
public:
    void* allocate(size_t bytes) EXCLUDES(m_lock);
    void release(void* pointer) EXCLUDES(m_lock);
    size_t used() EXCLUDES(m_lock);

private:
    Header* take_free_locked(Word size) REQUIRES(m_lock);
    Header* carve_top_locked(Word size) REQUIRES(m_lock);
    void start_locked() REQUIRES(m_lock);

    SpinLock m_lock;
    uintptr_t m_bottom GUARDED_BY(m_lock) = 0;  // 0 until the first call
    uintptr_t m_top GUARDED_BY(m_lock) = 0;     // one past the highest block
    Header* m_free GUARDED_BY(m_lock) = nullptr;
};

void Heap::start_locked() {
    if (m_bottom != 0) return;
    uintptr_t start = reinterpret_cast<uintptr_t>(__heap_start);
    m_bottom = (start + kAlignment - 1) & ~uintptr_t{kAlignment - 1};
    m_top = m_bottom;
}

Header* Heap::take_free_locked(Word size) {
    for (Header** link = &m_free; *link != nullptr; link = &(*link)->next) {
        Header* block = *link;
        if (block->size < size) continue;
        if (block->size - size >= kMinBlock) {
            // Split: the rest stays in the list, in the same place.
            Header* rest = reinterpret_cast<Header*>(reinterpret_cast<uintptr_t>(block) + size);
            *rest = Header{block->size - size, kFreeMagic, block->next};
            block->size = size;
            *link = rest;
        } else {
            *link = block->next;
        }
        return block;
    }
    return nullptr;
}

Header* Heap::carve_top_locked(Word size) {
    if (m_top >= kHeapEnd || kHeapEnd - m_top < size) return nullptr;
    Header* block = reinterpret_cast<Header*>(m_top);
    block->size = size;  // the pager backs this page on the first touch
    m_top += size;
    return block;
}

void* Heap::allocate(size_t bytes) {
    if (bytes > kHeapEnd) return nullptr;
    Word size = (static_cast<Word>(bytes) + sizeof(Header) + kAlignment - 1) & ~Word{kAlignment - 1};
    SpinLockGuard guard(m_lock);
    start_locked();
    Header* block = take_free_locked(size);
    if (block == nullptr) block = carve_top_locked(size);
    if (block == nullptr) return nullptr;
    block->magic = kUsedMagic;
    block->next = nullptr;
    return block + 1;
}

void Heap::release(void* pointer) {
    if (pointer == nullptr) return;
    Header* block = static_cast<Header*>(pointer) - 1;
    SpinLockGuard guard(m_lock);
    uintptr_t address = reinterpret_cast<uintptr_t>(block);
    if (m_bottom == 0 || address < m_bottom || address >= m_top || (address & (kAlignment - 1)) != 0 ||
        block->magic != kUsedMagic) {
        printf("heap: free(%p): not a block in use (freed twice, or not from malloc)\n", pointer);
        return;
    }
    block->magic = kFreeMagic;
    // (1) Insert in address order; `link` is the link that points to `block`, and
    // `below_link` the one that points to the free block below it, if any.
    Header** below_link = nullptr;
    Header** link = &m_free;
    while (*link != nullptr && *link < block) {
        below_link = link;
        link = &(*link)->next;
    }
    block->next = *link;
    *link = block;
    // (2) Merge with the free block just above, then into the one just below.
    if (block->next != nullptr && end_of(block) == reinterpret_cast<uintptr_t>(block->next)) {
        block->size += block->next->size;
        block->next = block->next->next;
    }
    if (below_link != nullptr && end_of(*below_link) == address) {
        Header* below = *below_link;
        below->size += block->size;
        below->next = block->next;
        block = below;
        link = below_link;
    }
    // (3) A free block at the top goes back to the untouched addresses.
    if (end_of(block) == m_top) {
        *link = block->next;
        m_top = reinterpret_cast<uintptr_t>(block);
    }
}

size_t Heap::used() {
    SpinLockGuard guard(m_lock);
    return m_top - m_bottom;
}

Heap g_heap;

}  // namespace

size_t used_bytes() { return g_heap.used(); }

}  // namespace l4::heap

extern "C" {

void* malloc(size_t size) { return l4::heap::g_heap.allocate(size); }

void* calloc(size_t count, size_t size) {
    if (size != 0 && count > SIZE_MAX / size) return nullptr;
    void* pointer = malloc(count * size);
    if (pointer != nullptr) memset(pointer, 0, count * size);
    return pointer;
}

void free(void* pointer) { l4::heap::g_heap.release(pointer); }

}  // extern "C"

namespace {

void* allocate_or_stop(size_t size) {
    void* pointer = malloc(size);
    if (pointer == nullptr) l4::kdebug::enter("heap: out of memory in operator new");
    return pointer;
}

}  // namespace

void* operator new(size_t size) { return allocate_or_stop(size); }
void* operator new[](size_t size) { return allocate_or_stop(size); }
void operator delete(void* pointer) noexcept { free(pointer); }
void operator delete[](void* pointer) noexcept { free(pointer); }
void operator delete(void* pointer, size_t) noexcept { free(pointer); }
void operator delete[](void* pointer, size_t) noexcept { free(pointer); }
