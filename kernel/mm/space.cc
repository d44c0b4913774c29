// space.cc: creating and destroying address spaces, their KIP and UTCB areas
// and IO ports (mm/space.h), and the kernel's one mapping database.
#include "lib/cxx_runtime.h"
#include "mm/space.h"

#include "arch/arch.h"
#include "arch/mmu.h"
#include "lib/string.h"
#include "mm/kmem.h"
#include "mm/mappings.h"
#include "smp/cross_call.h"

namespace mm {

namespace {

constexpr size_t kPage = 4096;

// Every change of any space's IO bitmap gets a new number, so a CPU can tell
// by one comparison whether the bitmap it loaded is still the current one.
unsigned g_io_generations = 0;

unsigned g_spaces = 0;  // atomic

// The per-space data is one page or less, whatever kMaxCpus is (Lab 2).
static_assert(sizeof(Space) <= kPage, "a Space must fit in a page");

struct ShootdownRange {
    uintptr_t vaddr;
    size_t size;
};

void flush_range(void* arg) {
    const ShootdownRange* range = static_cast<const ShootdownRange*>(arg);
    if (range->size > 32 * kPage) {
        arch::flush_tlb_all();
        return;
    }
    for (size_t off = 0; off < range->size; off += kPage) arch::flush_tlb_page(range->vaddr + off);
}

}  // namespace

Space* Space::try_create(unsigned home_node) {
    void* memory = kmem::alloc(sizeof(Space), home_node);
    if (memory == nullptr) return nullptr;
    uint32_t* directory = static_cast<uint32_t*>(kmem::alloc(kPage, home_node));
    if (directory == nullptr) {
        kmem::free(memory, sizeof(Space));
        return nullptr;
    }
    memset(directory, 0, kPage);
    arch::copy_kernel_mappings(directory);
    Space* space = new (memory) Space(home_node);
    __atomic_fetch_add(&g_spaces, 1, __ATOMIC_RELAXED);
    SpinLockGuard guard(space->m_lock);
    space->m_directory = directory;
    return space;
}

void Space::destroy() {
    // (1) Take back every mapping the space holds, and everything derived from them
    // (other spaces' mappings still get their shootdowns; this one's wait for (2)).
    __atomic_store_n(&m_dying, true, __ATOMIC_RELEASE);
    Rights status = Rights::None;
    (void)unmap(this, 0, size_t(1) << 31, Rights::Full, true, status);
    (void)unmap(this, uintptr_t(1) << 31, size_t(1) << 30, Rights::Full, true, status);
    // (2) No CPU may still use the directories or cached translations.
    shootdown(0, kUserSpaceEnd);
    {
        SpinLockGuard guard(m_lock);
        for (unsigned i = 0; i < m_num_utcb_pages; ++i) kmem::free(m_utcb_pages[i].kernel_page, kPage);
        m_num_utcb_pages = 0;
        free_tables_locked();
        free_cpu_directories_locked();
        kmem::free(m_directory, kPage);
        m_directory = nullptr;
        if (m_io_bitmap != nullptr) kmem::free(m_io_bitmap, kIoBitmapSize);
        m_io_bitmap = nullptr;
    }
    this->~Space();
    kmem::free(this, sizeof(Space));
    __atomic_fetch_sub(&g_spaces, 1, __ATOMIC_RELAXED);
}

unsigned spaces_in_use() { return __atomic_load_n(&g_spaces, __ATOMIC_RELAXED); }

uint32_t Space::master_directory() {
    SpinLockGuard guard(m_lock);
    return uint32_t(kmem::virt_to_phys(m_directory));
}

// The CPUs that may cache translations of the space are exactly those that
// ever loaded one of its directories (m_cpus_used); a shootdown asks only them.
void Space::shootdown(uintptr_t vaddr, size_t size) {
    ShootdownRange range{vaddr, size};
    unsigned me = arch::cpu_index();
    flush_range(&range);
    for (unsigned cpu = 0; cpu < platform::kMaxCpus; ++cpu) {
        uint32_t word = __atomic_load_n(&m_cpus_used[cpu / 32], __ATOMIC_ACQUIRE);
        if (cpu != me && (word & (uint32_t(1) << (cpu % 32)))) smp::call_on(cpu, flush_range, &range, smp::Wait::Yes);
    }
}

void Space::shootdown_unless_dying(uintptr_t vaddr, size_t size) {
    if (!__atomic_load_n(&m_dying, __ATOMIC_ACQUIRE)) shootdown(vaddr, size);
}

bool Space::try_configure(api::Fpage kip_area, uint64_t kip_phys, api::Fpage utcb_area) {
    SpinLockGuard guard(m_lock);
    if (!try_map_kernel_page_locked(kip_area.address(), kip_phys, false)) return false;
    m_kip_area = kip_area;
    m_utcb_area = utcb_area;
    return true;
}

api::Utcb* Space::try_utcb(uintptr_t location) {
    SpinLockGuard guard(m_lock);
    uintptr_t page = location & ~(kPage - 1);
    for (unsigned i = 0; i < m_num_utcb_pages; ++i)
        if (m_utcb_pages[i].user_address == page)
            return reinterpret_cast<api::Utcb*>(static_cast<char*>(m_utcb_pages[i].kernel_page) + (location - page));
    if (m_num_utcb_pages == kMaxUtcbPages) return nullptr;
    void* kernel_page = kmem::alloc(kPage, home_node());
    if (kernel_page == nullptr) return nullptr;
    memset(kernel_page, 0, kPage);
    if (!try_map_kernel_page_locked(page, kmem::virt_to_phys(kernel_page), true)) {
        kmem::free(kernel_page, kPage);
        return nullptr;
    }
    m_utcb_pages[m_num_utcb_pages++] = {page, kernel_page};
    return reinterpret_cast<api::Utcb*>(static_cast<char*>(kernel_page) + (location - page));
}

int Space::utcb_slot_locked(uintptr_t location) {
    uintptr_t page = location & ~(kPage - 1);
    for (unsigned i = 0; i < m_num_utcb_pages; ++i)
        if (m_utcb_pages[i].user_address == page) return int(i * 8 + (location - page) / api::kUtcbSize);
    return -1;
}

void* Space::utcb_owner(uintptr_t location) {
    SpinLockGuard guard(m_lock);
    int slot = utcb_slot_locked(location);
    return slot < 0 ? nullptr : m_utcb_owners[slot];
}

void* Space::utcb_owner_unlocked(uintptr_t location) {
    uintptr_t page = location & ~(kPage - 1);
    unsigned pages = __atomic_load_n(&m_num_utcb_pages, __ATOMIC_ACQUIRE);
    if (pages > kMaxUtcbPages) return nullptr;
    for (unsigned i = 0; i < pages; ++i)
        if (__atomic_load_n(&m_utcb_pages[i].user_address, __ATOMIC_RELAXED) == page)
            return __atomic_load_n(&m_utcb_owners[i * 8 + (location - page) / api::kUtcbSize], __ATOMIC_RELAXED);
    return nullptr;
}

void Space::set_utcb_owner(uintptr_t location, void* owner) {
    SpinLockGuard guard(m_lock);
    int slot = utcb_slot_locked(location);
    if (slot >= 0) m_utcb_owners[slot] = owner;
}

bool Space::lookup_table_free(uintptr_t vaddr) {
    SpinLockGuard guard(m_lock);
    return vaddr >= kUserSpaceEnd || table_locked(vaddr) == nullptr;
}

bool Space::has_io_ports(uint32_t first, uint32_t count) {
    SpinLockGuard guard(m_lock);
    if (m_io_bitmap == nullptr) return false;
    for (uint32_t port = first; port < first + count; ++port)
        if (m_io_bitmap[port / 8] & (1u << (port % 8))) return false;
    return true;
}

bool Space::try_grant_io_ports(uint32_t first, uint32_t count) {
    SpinLockGuard guard(m_lock);
    if (m_io_bitmap == nullptr) {
        m_io_bitmap = static_cast<uint8_t*>(kmem::alloc(kIoBitmapSize, home_node()));
        if (m_io_bitmap == nullptr) return false;
        memset(m_io_bitmap, 0xFF, kIoBitmapSize);
    }
    for (uint32_t port = first; port < first + count; ++port) m_io_bitmap[port / 8] &= uint8_t(~(1u << (port % 8)));
    __atomic_store_n(&m_io_generation, __atomic_add_fetch(&g_io_generations, 1, __ATOMIC_RELAXED), __ATOMIC_RELEASE);
    return true;
}

void Space::revoke_io_ports(uint32_t first, uint32_t count) {
    {
        SpinLockGuard guard(m_lock);
        if (m_io_bitmap == nullptr) return;
        for (uint32_t port = first; port < first + count; ++port) m_io_bitmap[port / 8] |= uint8_t(1u << (port % 8));
        __atomic_store_n(&m_io_generation, __atomic_add_fetch(&g_io_generations, 1, __ATOMIC_RELAXED), __ATOMIC_RELEASE);
    }
    // A CPU running the space reloads its TSS bitmap on its next kernel exit;
    // the shootdown makes every such CPU pass through the kernel now.
    shootdown(0, 0);
}

}  // namespace mm
