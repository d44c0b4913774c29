// layout.h: the address space of every application pager of the NUMA OS (thesis 4.2.1:
// "the address space layout is the same for every application pager, i.e. the node
// pools are mapped to the same virtual addresses in every application pager's address
// space"). The root pager keeps the pools and the modules at the same addresses in its
// own space, so an address means the same page in the root pager and in every pager.
//
//   0x00400000  the pager's ELF image (apppager.elf is linked here): read-only pages
//               from its node's copy of the image, writable pages its own
//   0x10000000  the module window: boot-loader memory (the program modules) at
//               kModuleWindow + (physical address mod 256 MiB), read-only
//   0x40000000  the node pools: pool n at pool_base(n), kPoolSlot apart; a pool holds
//               kPoolMaxBytes at most (less if its node has less memory)
//   0xBFE00000  the UTCB area, 0xBFFFF000 the KIP (as in every space: os/layout.h)
#pragma once

#include "api/word.h"

namespace numa {

using api::Word;

inline constexpr unsigned kMaxNodes = 16;  ///< the KIP's node numbers have 4 bits
inline constexpr unsigned kMaxCpus = 16;
inline constexpr Word kPageSize = 4096;

inline constexpr Word kImageBase = 0x00400000;
inline constexpr Word kImageEnd = 0x10000000;
inline constexpr Word kModuleWindow = 0x10000000;
inline constexpr unsigned kModuleWindowLog2 = 28;
inline constexpr Word kPoolArea = 0x40000000;
inline constexpr unsigned kPoolSlotLog2 = 26;  // 64 MiB of addresses per node
inline constexpr Word kPoolSlot = Word{1} << kPoolSlotLog2;
inline constexpr Word kPoolAreaEnd = kPoolArea + kMaxNodes * kPoolSlot;
inline constexpr Word kPoolMaxBytes = kPoolSlot;
inline constexpr Word kDefaultPoolBytes = Word{32} << 20;

static_assert(kModuleWindow + (Word{1} << kModuleWindowLog2) <= kPoolArea);
static_assert(kPoolAreaEnd <= 0xBFE00000);

/// Where node `node`'s pool begins.
[[nodiscard]] constexpr Word pool_base(unsigned node) { return kPoolArea + node * kPoolSlot; }
[[nodiscard]] constexpr bool in_pool_area(Word address) { return address >= kPoolArea && address < kPoolAreaEnd; }
/// The node whose pool slot holds `address` (an address in the pool area).
[[nodiscard]] constexpr unsigned pool_slot_of(Word address) {
    return static_cast<unsigned>((address - kPoolArea) >> kPoolSlotLog2);
}
[[nodiscard]] constexpr bool in_module_window(Word address) {
    return address >= kModuleWindow && address < kModuleWindow + (Word{1} << kModuleWindowLog2);
}
/// Where physical address `physical` of boot-loader memory appears.
[[nodiscard]] constexpr Word module_window_address(Word physical) {
    return kModuleWindow + (physical & ((Word{1} << kModuleWindowLog2) - 1));
}

}  // namespace numa
