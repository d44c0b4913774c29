// page_table.h: IA32 two-level page-table entries, for the address-space code.
//
// A 32-bit virtual address splits into
//   31..22 directory index | 21..12 table index | 11..0 offset
// A page-directory entry (PDE) points to a page table; a page-table entry
// (PTE) maps one 4 KiB frame:
//   31..12 frame | 8 G | 7 PAT/PS | 6 D | 5 A | 4 PCD | 3 PWT | 2 U/S | 1 R/W | 0 P
// The CPU sets A (accessed) on every use of an entry and D (dirty) on a write;
// the mapping database reports them as the L4 "referenced" and "dirty" bits.
// IA32 without PAE cannot forbid execution, so X.2's x right is not enforced.
#pragma once

#include <stdint.h>

#include "api/rights.h"

namespace ia32::pte {

inline constexpr uint32_t kPresent = 1u << 0;
inline constexpr uint32_t kWritable = 1u << 1;
inline constexpr uint32_t kUser = 1u << 2;
inline constexpr uint32_t kAccessed = 1u << 5;
inline constexpr uint32_t kDirty = 1u << 6;
inline constexpr uint32_t kFrameMask = 0xFFFFF000u;
inline constexpr unsigned kEntries = 1024;
inline constexpr unsigned kKernelFirstPde = 0xC0000000u >> 22;

[[nodiscard]] constexpr unsigned directory_index(uintptr_t vaddr) { return unsigned(vaddr >> 22); }
[[nodiscard]] constexpr unsigned table_index(uintptr_t vaddr) { return unsigned(vaddr >> 12) & 0x3FF; }

/// A user page-table entry for `phys` with the given L4 rights (read implies present).
[[nodiscard]] constexpr uint32_t user_entry(uint64_t phys, api::Rights rights) {
    uint32_t entry = uint32_t(phys) & kFrameMask;
    if (rights == api::Rights::None) return 0;
    entry |= kPresent | kUser;
    if (api::any(rights & api::Rights::Write)) entry |= kWritable;
    return entry;
}

/// A directory entry for a user page table (the table's entries decide the rights).
[[nodiscard]] constexpr uint32_t table_entry(uint64_t table_phys) {
    return (uint32_t(table_phys) & kFrameMask) | kPresent | kWritable | kUser;
}

/// A kernel directory entry for a kernel page table (supervisor only).
[[nodiscard]] constexpr uint32_t kernel_table_entry(uint64_t table_phys) {
    return (uint32_t(table_phys) & kFrameMask) | kPresent | kWritable;
}

/// A kernel page-table entry for a frame of code: present, read-only, supervisor only.
[[nodiscard]] constexpr uint32_t kernel_code_entry(uint64_t phys) { return (uint32_t(phys) & kFrameMask) | kPresent; }

/// The L4 access status an entry's A and D bits stand for.
[[nodiscard]] constexpr api::Rights status_of(uint32_t entry) {
    api::Rights status = api::Rights::None;
    if (entry & kAccessed) status = status | api::Rights::Read;
    if (entry & kDirty) status = status | api::Rights::Write;
    return status;
}

}  // namespace ia32::pte
