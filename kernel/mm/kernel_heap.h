// kernel_heap.h: small kernel allocations (operator new) on top of whole pages.
//
// Blocks up to 2 KiB come from per-size-class free lists (16, 32, ... 2048
// bytes); larger ones get their own run of pages. Every block carries an
// 8-byte header saying which, so free() needs no size. Allocation failure
// returns nullptr.
#pragma once

#include <stddef.h>

namespace kernel_heap {

[[nodiscard]] void* allocate(size_t size);
void free(void* block);

/// Bytes currently handed out (headers included), for leak checks in tests.
size_t bytes_in_use();

}  // namespace kernel_heap
