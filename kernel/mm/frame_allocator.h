// frame_allocator.h: the boot-time physical page allocator.
//
// One bit per 4 KiB page of the kernel's direct map (physical [0, 512 MiB)):
// 1 = in use or not RAM. It serves the kernel's early needs (stacks, page
// tables, the heap) before NUMA-aware pools exist; Lab 1 builds one pool per
// node on top of what it leaves free.
//
//   bitmap bit i  <->  physical page i  <->  kernel virtual 0xC0000000 + i * 4096
//
// Lock: m_lock guards the bitmap and the counters; any CPU may allocate.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/spin_lock.h"

namespace mm {

inline constexpr size_t kPageSize = 4096;

class FrameAllocator {
public:
    static constexpr uint64_t kManagedLimit = 0x20000000;  // 512 MiB, the direct map
    static constexpr size_t kPages = kManagedLimit / kPageSize;

    /// Everything starts reserved; mark_free() opens usable RAM, reserve() closes
    /// parts of it again (kernel image, modules, low memory).
    void mark_free(uint64_t base, uint64_t end) EXCLUDES(m_lock);
    void reserve(uint64_t base, uint64_t end) EXCLUDES(m_lock);

    /// `count` physically contiguous pages, or 0 (no physical page 0 is ever
    /// handed out, so 0 means failure).
    [[nodiscard]] uint64_t try_allocate(size_t count) EXCLUDES(m_lock);
    /// The highest run of `count` free pages inside [lo, hi), or 0.
    [[nodiscard]] uint64_t try_allocate_in(uint64_t lo, uint64_t hi, size_t count) EXCLUDES(m_lock);
    void free(uint64_t phys, size_t count) EXCLUDES(m_lock);
    /// Takes every free page (marks it used) and reports each run of them as
    /// visit(base, end, context): at the end of boot, sigma0 gets them all.
    void take_all_free(void (*visit)(uint64_t base, uint64_t end, void* context), void* context) EXCLUDES(m_lock);

    size_t free_pages() const { return __atomic_load_n(&m_free, __ATOMIC_RELAXED); }

private:
    bool used_locked(size_t page) const REQUIRES(m_lock) { return m_bitmap[page / 32] & (1u << (page % 32)); }
    void set_locked(size_t page, bool used) REQUIRES(m_lock);

    SpinLock m_lock;
    uint32_t m_bitmap[kPages / 32] GUARDED_BY(m_lock) = {};
    bool m_initialised GUARDED_BY(m_lock) = false;
    size_t m_free = 0;           // updated under m_lock, read without
    size_t m_search_from GUARDED_BY(m_lock) = 0;
};

/// The one boot frame allocator.
FrameAllocator& frames();

/// Kernel virtual address of a direct-mapped physical address, and back.
inline void* phys_to_virt(uint64_t phys) { return reinterpret_cast<void*>(uintptr_t(phys) + 0xC0000000u); }
inline uint64_t virt_to_phys(const void* virt) { return uintptr_t(virt) - 0xC0000000u; }

}  // namespace mm
