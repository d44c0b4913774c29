// mapping_node_cache.cc: see mapping_node_cache.h.
#include "mm/mapping_node_cache.h"

#include <stdint.h>

#include "mm/kmem.h"

namespace mm {

namespace {

constexpr size_t kPage = 4096;
constexpr size_t kSlot = 48;

struct FreeSlot {
    FreeSlot* next;
};

}  // namespace

struct MappingNodeCache::CachePage {
    CachePage* next;      // in m_partial of its node
    CachePage* prev;
    FreeSlot* free;       // free slots of this page
    unsigned used;        // slots handed out
    unsigned node;        // the node kmem gave the page on
    bool listed;          // in m_partial
};

namespace {

constexpr size_t kFirstSlot = 64;  // room for the page header: one cache line
constexpr unsigned kSlotsPerPage = unsigned((kPage - kFirstSlot) / kSlot);

}  // namespace

void* MappingNodeCache::node_alloc(size_t size, unsigned node) {
    static_assert(sizeof(MappingNode) <= kSlot, "a mapping node must fit a cache slot");
    static_assert(sizeof(CachePage) <= kFirstSlot, "the page header must fit before the first slot");
    if (size > kSlot || node >= platform::kMaxNodes) return nullptr;
    CachePage* page = m_partial[node];
    if (page == nullptr) {
        void* memory = kmem::alloc(kPage, node);
        if (memory == nullptr) return nullptr;
        page = static_cast<CachePage*>(memory);
        page->next = page->prev = nullptr;
        page->free = nullptr;
        page->used = 0;
        page->node = node;
        page->listed = true;
        char* slots = static_cast<char*>(memory) + kFirstSlot;
        for (unsigned i = kSlotsPerPage; i-- > 0;) {
            FreeSlot* slot = reinterpret_cast<FreeSlot*>(slots + i * kSlot);
            slot->next = page->free;
            page->free = slot;
        }
        m_partial[node] = page;
    }
    FreeSlot* slot = page->free;
    page->free = slot->next;
    ++page->used;
    if (page->free == nullptr) {  // full: off the list
        m_partial[node] = page->next;
        if (page->next != nullptr) page->next->prev = nullptr;
        page->next = page->prev = nullptr;
        page->listed = false;
    }
    return slot;
}

void MappingNodeCache::node_free(void* block, size_t size) {
    if (block == nullptr) return;
    CachePage* page = reinterpret_cast<CachePage*>(uintptr_t(block) & ~uintptr_t(kPage - 1));
    FreeSlot* slot = static_cast<FreeSlot*>(block);
    slot->next = page->free;
    page->free = slot;
    --page->used;
    unsigned node = page->node;
    if (!page->listed) {  // was full: back on the list
        page->next = m_partial[node];
        page->prev = nullptr;
        if (page->next != nullptr) page->next->prev = page;
        m_partial[node] = page;
        page->listed = true;
    }
    if (page->used == 0) {  // all free: back to kmem
        if (page->prev != nullptr) page->prev->next = page->next;
        else m_partial[node] = page->next;
        if (page->next != nullptr) page->next->prev = page->prev;
        kmem::free(page, kPage);
    }
}

}  // namespace mm
