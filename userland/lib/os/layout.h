// layout.h: the address space of a task of the base OS (userland/baseos), which the OS
// and the programs must agree on. docs/baseos.md draws it; the numbers are here.
//
//   0x00000000  unmapped: a null pointer faults and the task is killed
//   0x00400000  the program's ELF image (kImageBase, linked by mk/os.mk): each page is
//               copied from the module (or zero-filled, .bss) on its first touch
//   image end   the heap, up to kHeapEnd: zero-filled pages on first touch. "image end"
//               is user.ld's __image_end, the end of the last segment rounded up to a
//               page; a malloc may use all of [heap_start(), kHeapEnd)
//   0x30000000  thread stacks: kMaxThreads slots of kStackSlotSize; slot 0 is the main
//               thread's, os::create_thread takes the next one. The lowest page of each
//               slot is a guard: touching it kills the task (stack overflow)
//   0xBFE00000  the UTCB area (kMaxThreads UTCBs), 0xBFFFF000 the KIP, as in the
//               initial spaces (docs/user-boot.md)
// Any other address is an error: the OS kills the task and says where it faulted.
#pragma once

#include "api/word.h"

namespace os {

using api::Word;

inline constexpr Word kPageSize = 4096;
inline constexpr Word kImageBase = 0x00400000;
inline constexpr Word kHeapEnd = 0x20000000;
inline constexpr Word kStackArea = 0x30000000;
inline constexpr Word kStackSlotSize = 0x40000;  // 256 KiB, of which the lowest page is a guard
inline constexpr unsigned kMaxThreads = 64;
inline constexpr Word kStackAreaEnd = kStackArea + kMaxThreads * kStackSlotSize;
inline constexpr Word kUtcbArea = 0xBFE00000;
inline constexpr unsigned kUtcbAreaLog2 = 15;  // 64 UTCBs of 512 bytes
inline constexpr Word kKipArea = 0xBFFFF000;

static_assert(kStackAreaEnd <= kUtcbArea);
static_assert((Word{1} << kUtcbAreaLog2) >= kMaxThreads * 512);

/// The initial stack pointer of stack slot `slot`: the top of the slot.
[[nodiscard]] constexpr Word stack_top(unsigned slot) { return kStackArea + (slot + 1) * kStackSlotSize; }

}  // namespace os
