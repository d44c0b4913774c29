// frames.h: the base OS's memory: page frames from sigma0, all on NUMA node 0.
//
// The non-NUMA OS of the thesis (5.4.1) gives out memory of node 0 only, whichever CPU
// a task runs on. The OS asks sigma0 for it (Proxima's node request,
// l4/sigma0_client.h) in chunks of kChunkPages, and sees every page it owns through
// its physical window: physical address P appears at kWindow + P (sigma0 sends P with
// send base P, and the window takes it modulo its 1 GiB size). Boot-loader pages (the
// modules) are mapped into the same window by address.
//
// A frame is a page of the window. Free frames form a list threaded through their first
// word; allocate_frame_locked() zeroes a frame before it hands it out. Frames go back to
// the list, never to sigma0: the pool only grows, and its counts say where every frame is:
//   total_frames() == free_frames() + frames held by tasks (task.h)
//
// Zeroing a frame and linking it into the list mark the access status of the OS's own
// mapping (the whole 64 KiB chunk), never a task's: an Unmap reports only the mappings
// derived from the OS's, the task's (task_memory.cc).
#pragma once

#include "api/word.h"

namespace baseos {

using api::Word;

inline constexpr Word kPageSize = 4096;
inline constexpr Word kWindow = 0x40000000;
inline constexpr unsigned kWindowLog2 = 30;
inline constexpr unsigned kChunkLog2 = 16;  // 16 pages per sigma0 request
inline constexpr unsigned kMemoryNode = 0;

/// Where physical address `physical` appears in the OS's space.
[[nodiscard]] Word window_address(Word physical);
/// Asks sigma0 for the page at `physical` (boot-loader memory); false if refused.
[[nodiscard]] bool map_physical_page(Word physical);

/// A zeroed frame (its address in the OS), or 0 when node 0 has no memory left.
[[nodiscard]] Word allocate_frame_locked();
void release_frame_locked(Word frame);

[[nodiscard]] Word free_frames();
[[nodiscard]] Word total_frames();

}  // namespace baseos
