// kernel_heap.cc: see kernel_heap.h.
//
//   page of one size class:  [hdr|block][hdr|block][hdr|block]...
//   large allocation:        [hdr|block ..........] spanning n pages
//   header: { uint32_t class_or_pages; uint32_t magic }   class: 0..7, pages: n | kLargeFlag
#include "mm/kernel_heap.h"

#include <stdint.h>

#include "lib/panic.h"
#include "lib/spin_lock.h"
#include "mm/frame_allocator.h"

namespace kernel_heap {
namespace {

constexpr unsigned kClasses = 8;  // 16 << 7 = 2048
constexpr uint32_t kMagic = 0x48454150;  // "HEAP"
constexpr uint32_t kLargeFlag = 0x80000000u;

struct Header {
    uint32_t kind;
    uint32_t magic;
};
struct FreeBlock {
    FreeBlock* next;
};

size_t class_size(unsigned c) { return size_t(16) << c; }

SpinLock g_lock;
FreeBlock* g_free[kClasses] GUARDED_BY(g_lock) = {};
size_t g_in_use = 0;

bool refill_locked(unsigned c) REQUIRES(g_lock) {
    uint64_t phys = mm::frames().try_allocate(1);
    if (phys == 0) return false;
    auto* page = static_cast<uint8_t*>(mm::phys_to_virt(phys));
    size_t size = class_size(c);
    for (size_t off = 0; off + size <= mm::kPageSize; off += size) {
        auto* block = reinterpret_cast<FreeBlock*>(page + off);
        block->next = g_free[c];
        g_free[c] = block;
    }
    return true;
}

}  // namespace

void* allocate(size_t size) {
    size_t need = size + sizeof(Header);
    Header* h = nullptr;
    if (need <= class_size(kClasses - 1)) {
        unsigned c = 0;
        while (class_size(c) < need) ++c;
        IrqSpinLockGuard guard(g_lock);
        if (g_free[c] == nullptr && !refill_locked(c)) return nullptr;
        FreeBlock* block = g_free[c];
        g_free[c] = block->next;
        h = reinterpret_cast<Header*>(block);
        h->kind = c;
        __atomic_fetch_add(&g_in_use, class_size(c), __ATOMIC_RELAXED);
    } else {
        size_t pages = (need + mm::kPageSize - 1) / mm::kPageSize;
        uint64_t phys = mm::frames().try_allocate(pages);
        if (phys == 0) return nullptr;
        h = static_cast<Header*>(mm::phys_to_virt(phys));
        h->kind = uint32_t(pages) | kLargeFlag;
        __atomic_fetch_add(&g_in_use, pages * mm::kPageSize, __ATOMIC_RELAXED);
    }
    h->magic = kMagic;
    return h + 1;
}

void free(void* block) {
    if (block == nullptr) return;
    Header* h = static_cast<Header*>(block) - 1;
    if (h->magic != kMagic) panic("kernel_heap::free(%p): not a heap block or freed twice", block);
    h->magic = 0;
    if (h->kind & kLargeFlag) {
        size_t pages = h->kind & ~kLargeFlag;
        __atomic_fetch_sub(&g_in_use, pages * mm::kPageSize, __ATOMIC_RELAXED);
        mm::frames().free(mm::virt_to_phys(h), pages);
        return;
    }
    unsigned c = h->kind;
    if (c >= kClasses) panic("kernel_heap::free(%p): corrupt header", block);
    IrqSpinLockGuard guard(g_lock);
    auto* f = reinterpret_cast<FreeBlock*>(h);
    f->next = g_free[c];
    g_free[c] = f;
    __atomic_fetch_sub(&g_in_use, class_size(c), __ATOMIC_RELAXED);
}

size_t bytes_in_use() { return __atomic_load_n(&g_in_use, __ATOMIC_RELAXED); }

}  // namespace kernel_heap

// The C++ allocation operators of the whole kernel are the heap's. Allocation
// failure returns nullptr (the kernel has no exceptions; every `new` in the
// kernel is checked).
void* operator new(size_t size) { return kernel_heap::allocate(size); }
void* operator new[](size_t size) { return kernel_heap::allocate(size); }
void operator delete(void* p) noexcept { kernel_heap::free(p); }
void operator delete[](void* p) noexcept { kernel_heap::free(p); }
void operator delete(void* p, size_t) noexcept { kernel_heap::free(p); }
void operator delete[](void* p, size_t) noexcept { kernel_heap::free(p); }
