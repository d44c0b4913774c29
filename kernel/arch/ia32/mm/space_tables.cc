// space_tables.cc: the IA32 page tables of a Space (mm/space.h).
//
// The mapping database enters every mapping as 4 KiB entries (a 4 MiB
// mapping becomes 1024 of them, all pointing to the same MappingNode), so a
// page table is always a table of 4 KiB pages. Each table is one 8 KiB block
// from kmem on the space's home node (try_alloc_table_locked, Lab 2):
//
//   block + 0      1024 PTEs (the hardware reads these)
//   block + 4096   1024 MappingNode pointers, entry i beside PTE i
//
// Rights taken away must be gone from every TLB before the mapping database
// returns (its MappingTarget contract), so every call that lowers rights or
// clears A/D bits ends with a shootdown.
#include "arch/ia32/mm/page_table.h"
#include "mm/kmem.h"
#include "mm/space.h"

namespace mm {

namespace {

constexpr size_t kPage = 4096;
constexpr size_t kTableBlock = 2 * kPage;

unsigned g_tables_in_use = 0;  // every space's page tables (statistics)

}  // namespace

unsigned page_tables_in_use() { return __atomic_load_n(&g_tables_in_use, __ATOMIC_RELAXED); }

uint32_t* Space::table_locked(uintptr_t vaddr) {
    uint32_t pde = m_directory[ia32::pte::directory_index(vaddr)];
    if (!(pde & ia32::pte::kPresent)) return nullptr;
    return static_cast<uint32_t*>(kmem::phys_to_virt(pde & ia32::pte::kFrameMask));
}

MappingNode** Space::shadow_locked(uintptr_t vaddr) {
    uint32_t* table = table_locked(vaddr);
    if (table == nullptr) return nullptr;
    return reinterpret_cast<MappingNode**>(reinterpret_cast<char*>(table) + kPage) + ia32::pte::table_index(vaddr);
}

bool Space::try_ensure_table_locked(uintptr_t vaddr) {
    if (vaddr >= kUserSpaceEnd) return false;
    if (table_locked(vaddr) != nullptr) return true;
    void* block = try_alloc_table_locked();
    if (block == nullptr) return false;
    __atomic_fetch_add(&g_tables_in_use, 1, __ATOMIC_RELAXED);
    set_pde_everywhere_locked(ia32::pte::directory_index(vaddr), ia32::pte::table_entry(kmem::virt_to_phys(block)));
    return true;
}

MappingNode* Space::lookup(uintptr_t vaddr) {
    SpinLockGuard guard(m_lock);
    if (vaddr >= kUserSpaceEnd) return nullptr;
    MappingNode** shadow = shadow_locked(vaddr);
    return shadow == nullptr ? nullptr : *shadow;
}

bool Space::try_prepare(uintptr_t vaddr, size_t size) {
    SpinLockGuard guard(m_lock);
    uint64_t end = uint64_t(vaddr) + size;
    if (end > kUserSpaceEnd) return false;
    for (uint64_t v = vaddr & ~uint64_t(0x3FFFFF); v < end; v += 0x400000)
        if (!try_ensure_table_locked(uintptr_t(v))) return false;
    return true;
}

void Space::install(MappingNode* node) {
    SpinLockGuard guard(m_lock);
    for (uint64_t off = 0; off < node->size(); off += kPage) {
        uintptr_t v = uintptr_t(node->vaddr() + off);
        table_locked(v)[ia32::pte::table_index(v)] = ia32::pte::user_entry(node->phys() + off, node->rights());
        *shadow_locked(v) = node;
    }
}

void Space::update_rights(MappingNode* node) {
    {
        SpinLockGuard guard(m_lock);
        for (uint64_t off = 0; off < node->size(); off += kPage) {
            uintptr_t v = uintptr_t(node->vaddr() + off);
            uint32_t& entry = table_locked(v)[ia32::pte::table_index(v)];
            uint32_t status = entry & (ia32::pte::kAccessed | ia32::pte::kDirty);
            uint32_t fresh = ia32::pte::user_entry(node->phys() + off, node->rights());
            entry = fresh == 0 ? 0 : fresh | status;
        }
    }
    shootdown_unless_dying(node->vaddr(), node->size());
}

Rights Space::read_and_clear_status(MappingNode* node) {
    Rights status = Rights::None;
    {
        SpinLockGuard guard(m_lock);
        for (uint64_t off = 0; off < node->size(); off += kPage) {
            uintptr_t v = uintptr_t(node->vaddr() + off);
            uint32_t& entry = table_locked(v)[ia32::pte::table_index(v)];
            status |= ia32::pte::status_of(entry);
            entry &= ~(ia32::pte::kAccessed | ia32::pte::kDirty);
        }
    }
    // A TLB entry that is already dirty would not set D again: forget it.
    if (status != Rights::None) shootdown_unless_dying(node->vaddr(), node->size());
    return status;
}

void Space::add_status(uintptr_t vaddr, size_t size, Rights status) {
    uint32_t bits = (api::any(status & Rights::Read) ? ia32::pte::kAccessed : 0) |
                    (api::any(status & Rights::Write) ? ia32::pte::kDirty : 0);
    if (bits == 0) return;
    SpinLockGuard guard(m_lock);
    for (uint64_t off = 0; off < size; off += kPage) {
        uintptr_t v = uintptr_t(vaddr + off);
        table_locked(v)[ia32::pte::table_index(v)] |= bits;
    }
}

Rights Space::remove(MappingNode* node) {
    Rights status = Rights::None;
    {
        SpinLockGuard guard(m_lock);
        for (uint64_t off = 0; off < node->size(); off += kPage) {
            uintptr_t v = uintptr_t(node->vaddr() + off);
            uint32_t& entry = table_locked(v)[ia32::pte::table_index(v)];
            status |= ia32::pte::status_of(entry);
            entry = 0;
            *shadow_locked(v) = nullptr;
        }
    }
    shootdown_unless_dying(node->vaddr(), node->size());
    return status;
}

uint64_t Space::translate(uintptr_t vaddr, Rights needed) {
    SpinLockGuard guard(m_lock);
    if (vaddr >= kUserSpaceEnd) return ~uint64_t(0);
    uint32_t* table = table_locked(vaddr);
    if (table == nullptr) return ~uint64_t(0);
    uint32_t entry = table[ia32::pte::table_index(vaddr)];
    if (!(entry & ia32::pte::kPresent)) return ~uint64_t(0);
    if (api::any(needed & Rights::Write) && !(entry & ia32::pte::kWritable)) return ~uint64_t(0);
    return (entry & ia32::pte::kFrameMask) | (vaddr & (kPage - 1));
}

bool Space::try_map_kernel_page_locked(uintptr_t vaddr, uint64_t phys, bool writable) {
    if (!try_ensure_table_locked(vaddr)) return false;
    table_locked(vaddr)[ia32::pte::table_index(vaddr)] =
        ia32::pte::user_entry(phys, writable ? Rights::ReadWrite : Rights::Read);
    return true;
}

void Space::free_tables_locked() {
    for (unsigned i = 0; i < ia32::pte::kKernelFirstPde; ++i) {
        uint32_t pde = m_directory[i];
        if (!(pde & ia32::pte::kPresent)) continue;
        kmem::free(kmem::phys_to_virt(pde & ia32::pte::kFrameMask), kTableBlock);
        __atomic_fetch_sub(&g_tables_in_use, 1, __ATOMIC_RELAXED);
        m_directory[i] = 0;
    }
}

bool Space::try_for_each_entry(EntryVisitor visit, void* context) {
    if (!m_lock.try_lock()) return false;
    for (uintptr_t table_base = 0; table_base < kUserSpaceEnd; table_base += kPage * 1024) {
        uint32_t* table = table_locked(table_base);
        if (table == nullptr) continue;
        MappingNode** shadow = shadow_locked(table_base);
        for (unsigned i = 0; i < 1024; ++i) {
            bool present = (table[i] & ia32::pte::kPresent) != 0;
            if (present || shadow[i] != nullptr)
                visit(context, table_base + i * kPage, present, table[i] & ia32::pte::kFrameMask, shadow[i]);
        }
    }
    m_lock.unlock();
    return true;
}

}  // namespace mm
