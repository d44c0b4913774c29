// tcb_array.h: the virtual linear TCB array (thesis 3.3.2 and 4.1.4).
//
// Thread number n has its TCB at TCB_ARRAY_BASE + n * 4 KiB, so finding a
// thread from its id is one shift and one add, with no table to search:
//
//   TCB_ARRAY_BASE                                         + 16 MiB
//   | n=0 | n=1 | ... | n=32 (sigma0) | n=33 | n=34 (root) | ... |
//     zero  zero        TCB page        zero  TCB page
//
// A slot without a thread maps the one zero page read-only: reading any
// field of it reads 0, so a lookup sees "no such thread" (global id 0 never
// names a thread) without checking whether the slot is mapped. Creating a
// thread maps a fresh page on the chosen NUMA node into its slot; deleting
// it puts the zero page back and makes every CPU forget the old page.
//
// Lab 3 will move a TCB to another node when its thread migrates (copy the
// page, remap the slot, shoot down the old translation).
#pragma once

#include "api/thread_id.h"
#include "thread/tcb.h"

namespace thread {

/// Thread numbers the array has room for (the KIP's ThreadInfo says so too).
inline constexpr unsigned kThreadNumberBits = 12;
inline constexpr unsigned kMaxThreads = 1u << kThreadNumberBits;

/// Maps the zero page into every slot. Once at boot, before any thread.
void init_tcb_array();

/// The TCB of thread `id` if that exact thread (number and version) exists.
Tcb* lookup_thread(api::ThreadId id);

/// The slot of thread number `number` (may read as the zero TCB).
Tcb* tcb_slot(api::Word number);

/// Maps a zeroed TCB page on `node` into the slot of `number`; nullptr if the
/// slot is in use or memory is short.
[[nodiscard]] Tcb* try_allocate_tcb(api::Word number, unsigned node);

/// Puts the zero page back into the slot and frees the TCB page.
void free_tcb(Tcb* tcb);

/// TCB pages in use (statistics, leak checks).
unsigned threads_in_use();

}  // namespace thread
