// layout.h: where things are in the test root task's address space, and in the spaces
// it creates.
//
//   0x00400000  l4test's image (user.ld, mk/userland.mk)
//   0x30000000  test window: the map and fault tests map pages here; faults in it go
//               to the pager's log instead of being mirrored (pager.h)
//   0x3F000000  UTCB area of every space the root task creates (kChildUtcbArea)
//   0x40000000  sigma0 window: sigma0 sends a physical page P with send base P, so
//               with a 1 GiB receive window here it lands at 0x40000000 + P (P < 1 GiB)
//   KIP         wherever the kernel put the root task's KIP; created spaces get theirs
//               at the same address, so pointers into it mean the same everywhere
//
// A created space mirrors the root task: its pager (pager.h) answers a fault at any
// address outside the test window with the root task's own page there. So the code,
// data and stacks of threads in created spaces are the root task's.
#pragma once

#include "api/fpage.h"
#include "api/word.h"

namespace l4test {

using api::Word;

inline constexpr Word kPageSize = 4096;
inline constexpr Word kTestWindow = 0x30000000;
inline constexpr Word kTestWindowEnd = 0x38000000;
inline constexpr Word kChildUtcbArea = 0x3F000000;
inline constexpr unsigned kChildUtcbAreaLog2 = 14;
inline constexpr Word kSigma0Window = 0x40000000;
inline constexpr unsigned kSigma0WindowLog2 = 30;

[[nodiscard]] inline api::Fpage sigma0_window() {
    return api::Fpage::memory(kSigma0Window, kSigma0WindowLog2, api::Rights::None);
}

/// A test-window address of its own for each test that maps there, so that one test's
/// leftover mappings never meet another's.
[[nodiscard]] constexpr Word test_window_slot(unsigned slot) { return kTestWindow + slot * 0x00100000; }

}  // namespace l4test

extern "C" char __text_start[];
extern "C" char __text_end[];

namespace l4test {

/// Is `ip` in l4test's code (user.ld's __text_start .. __text_end)?
[[nodiscard]] inline bool in_text(Word ip) {
    return ip >= reinterpret_cast<Word>(__text_start) && ip < reinterpret_cast<Word>(__text_end);
}

}  // namespace l4test
