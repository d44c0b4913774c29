// frame_allocator.cc: see frame_allocator.h.
#include "mm/frame_allocator.h"

namespace mm {
namespace {

FrameAllocator g_frames;

size_t page_floor(uint64_t addr) { return size_t(addr / kPageSize); }
size_t page_ceil(uint64_t addr) { return size_t((addr + kPageSize - 1) / kPageSize); }

}  // namespace

FrameAllocator& frames() { return g_frames; }

void FrameAllocator::set_locked(size_t page, bool used) {
    uint32_t bit = 1u << (page % 32);
    bool was_used = m_bitmap[page / 32] & bit;
    if (used == was_used) return;
    if (used) {
        m_bitmap[page / 32] |= bit;
        --m_free;
    } else {
        m_bitmap[page / 32] &= ~bit;
        ++m_free;
    }
}

void FrameAllocator::mark_free(uint64_t base, uint64_t end) {
    SpinLockGuard guard(m_lock);
    if (!m_initialised) {
        for (uint32_t& word : m_bitmap) word = ~0u;
        m_initialised = true;
    }
    if (end > kManagedLimit) end = kManagedLimit;
    // Only whole pages inside the range are usable.
    for (size_t p = page_ceil(base); p < page_floor(end) && p < kPages; ++p) set_locked(p, false);
    set_locked(0, true);  // physical page 0 stays out: 0 is the failure value
}

void FrameAllocator::reserve(uint64_t base, uint64_t end) {
    SpinLockGuard guard(m_lock);
    if (end > kManagedLimit) end = kManagedLimit;
    for (size_t p = page_floor(base); p < page_ceil(end) && p < kPages; ++p) set_locked(p, true);
}

uint64_t FrameAllocator::try_allocate(size_t count) {
    if (count == 0) return 0;
    SpinLockGuard guard(m_lock);
    // Next fit: start where the last search ended, wrap around once.
    for (size_t pass = 0; pass < 2; ++pass) {
        size_t start = pass == 0 ? m_search_from : 1;
        size_t run = 0;
        for (size_t p = start; p < kPages; ++p) {
            run = used_locked(p) ? 0 : run + 1;
            if (run == count) {
                size_t first = p + 1 - count;
                for (size_t q = first; q <= p; ++q) set_locked(q, true);
                m_search_from = p + 1 < kPages ? p + 1 : 1;
                return uint64_t(first) * kPageSize;
            }
        }
    }
    return 0;
}

uint64_t FrameAllocator::try_allocate_in(uint64_t lo, uint64_t hi, size_t count) {
    if (count == 0) return 0;
    if (hi > kManagedLimit) hi = kManagedLimit;
    size_t first = page_ceil(lo) == 0 ? 1 : page_ceil(lo);
    size_t last = page_floor(hi);  // exclusive
    SpinLockGuard guard(m_lock);
    size_t run = 0;
    for (size_t p = last; p > first; --p) {  // from the top down: low memory stays for the boot
        run = used_locked(p - 1) ? 0 : run + 1;
        if (run == count) {
            for (size_t q = p - 1; q < p - 1 + count; ++q) set_locked(q, true);
            return uint64_t(p - 1) * kPageSize;
        }
    }
    return 0;
}

void FrameAllocator::free(uint64_t phys, size_t count) {
    SpinLockGuard guard(m_lock);
    for (size_t p = page_floor(phys); p < page_floor(phys) + count && p < kPages; ++p) set_locked(p, false);
}

void FrameAllocator::take_all_free(void (*visit)(uint64_t base, uint64_t end, void* context), void* context) {
    SpinLockGuard guard(m_lock);
    size_t page = 0;
    while (page < kPages) {
        if (used_locked(page)) {
            ++page;
            continue;
        }
        size_t first = page;
        while (page < kPages && !used_locked(page)) set_locked(page++, true);
        visit(uint64_t(first) * kPageSize, uint64_t(page) * kPageSize, context);
    }
}

}  // namespace mm
