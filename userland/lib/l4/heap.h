// heap.h: malloc, free and calloc for user programs, and the C++ operators new and delete
// on top of them (heap.cc).
//
// The contract with the program's pager. The heap is the address range
//
//   [__heap_start, kHeapEnd)      __heap_start: the page after the program image
//                                 (user.ld); kHeapEnd = 0x20000000 (512 MiB)
//
// and the heap never asks anybody for memory: it simply uses addresses in that range,
// from the bottom up, and expects the first touch of a page there to fault to the
// program's pager, which must back it with a fresh page (the base OS's pagers,
// userland/lib/os/layout.h, give zero-filled ones; the heap itself does not count on
// the zeros: calloc clears what it returns). Sigma0 does not back the range (it hands
// out the physical page at the fault address, if that page is free, or lets the faulter
// hang), so programs paged by sigma0, such as the test root task l4test, must not use
// the heap; neither may sigma0 itself (linked above kHeapEnd, its range is empty and
// every allocation fails).
//
// The allocator: blocks of 16-byte multiples, each with a 16-byte header, so every
// pointer it returns is 16-byte aligned. Free blocks sit in one list in address order;
// malloc takes the first block that fits (first fit) and splits off the rest, or else
// carves a new block from the top of the used part of the range. free puts a block back
// in order and merges it with free neighbours (coalescing); a free block at the top
// gives its addresses back to the untouched part. One SpinLock guards it all, so any
// thread of the program may allocate and free.
//
// Errors: malloc and calloc return null when the range is used up; operator new stops
// the thread in the kernel debugger instead (C++ code may assume new never returns
// null). free of a pointer the heap did not give out, or given back already, prints a
// line and is otherwise ignored.
#pragma once

#include <stddef.h>

#include "api/word.h"

namespace l4::heap {

inline constexpr api::Word kHeapEnd = 0x20000000;
inline constexpr size_t kAlignment = 16;

/// Bytes between the first byte of the range and the top of the used part (for tests
/// and statistics: what the pager has been asked to back, at most).
[[nodiscard]] size_t used_bytes();

}  // namespace l4::heap

extern "C" {
/// `size` bytes, 16-byte aligned, or null if the heap is full. malloc(0) returns a
/// unique pointer.
void* malloc(size_t size);
/// `count * size` zeroed bytes, or null if the heap is full or the product overflows.
void* calloc(size_t count, size_t size);
/// Gives back a block from malloc or calloc; null does nothing.
void free(void* pointer);
}
