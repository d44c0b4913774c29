// pager_image.h: the application pager's program, copied into every node's pool (thesis
// 4.2.1: the root pager "ELF-loads the binary and places a copy of it in each node
// pool", so that every pager runs node-local code).
//
// A node's copy is the pager's image as it lies in memory, page by page from the
// lowest page of its segments to the end of the last, each page a frame of that node's
// pool: the segments' file bytes, zeros past them (.bss). The pagers of a node share
// its read-only pages (code, constants); each gets its own copy of the writable ones
// when it first touches them (pagers.cc).
#pragma once

#include <stdint.h>

#include "api/word.h"
#include "numa/system.h"

namespace rootpager {

using api::Word;

/// Parses the pager's ELF file and copies it into the pool of every node that has one;
/// false (with a message) if it is no ELF for the pager's region or a pool is full.
[[nodiscard]] bool load_pager_image(const uint8_t* file, Word size, const char* name, const numa::System& system);

/// Lab 4, (3): copies the parsed image into node `node`'s pool, one frame per page;
/// false if the pool is too small.
[[nodiscard]] bool copy_image_to_pool(unsigned node);

/// The entry point, and the pages [image_start(), image_end()) the image spans.
[[nodiscard]] Word pager_entry();
[[nodiscard]] Word image_start();
[[nodiscard]] Word image_end();
/// The frame of `node`'s copy (in that node's pool) that holds the image page at
/// `address`, and whether a writable segment overlaps that page; 0 if none.
[[nodiscard]] Word image_frame(unsigned node, Word address, bool* writable);

}  // namespace rootpager
