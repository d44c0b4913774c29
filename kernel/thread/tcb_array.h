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
// Lab 3 moves a TCB to its thread's new node when the thread migrates
// (thread/tcb_migrate.h): a new page on that node, a copy, the slot pointed
// at the new page, every CPU made to forget the old translation, and only
// then the old page given back. The slot's virtual address never changes, so
// every pointer to the TCB (queue links, run queues, saved stack pointers,
// frames on its kernel stack) stays valid.
//
// Capacity: 2^12 = 4096 thread numbers in 16 MiB of kernel address space,
// one 4 KiB page each (the thesis halved Pistachio's count the same way, 4.1.4).
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

/// The thread number of the slot `tcb` lies in (a TCB in the array).
api::Word slot_number(const Tcb* tcb);

/// Maps a zeroed TCB page on `node` into the slot of `number`; nullptr if the
/// slot is in use or memory is short.
[[nodiscard]] Tcb* try_allocate_tcb(api::Word number, unsigned node);

/// Puts the zero page back into the slot and frees the TCB page.
void free_tcb(Tcb* tcb);

/// TCB pages in use (statistics, leak checks).
unsigned threads_in_use();

// ---- what Lab 3's move uses (thread/tcb_migrate.cc) -------------------------

/// The physical frame behind `tcb`'s slot, read from the kernel page table
/// (the same table in every CPU's directory); mm::kNoFrame if unmapped.
uint64_t tcb_frame(const Tcb* tcb);

/// A cross-call function (smp::call_on_all): this CPU forgets its TLB entry
/// for the TCB slot at `slot` (a Tcb*) and counts it (tcb_slot_flushes).
void forget_tcb_translation(void* slot);

/// Gives a TCB page that no CPU can reach any more back to its pool, after
/// filling it with kTcbPoison: a CPU that still reads it through a stale
/// translation sees garbage instead of a plausible thread.
void release_tcb_page(void* page);
inline constexpr uint32_t kTcbPoison = 0xDEAD7CB0;

/// Statistics of TCB migration (kdebug 0x50 selectors 5 to 7, docs/kdebug.md).
unsigned long tcb_moves();         ///< TCB pages moved to another node
unsigned long tcb_slot_flushes();  ///< forget_tcb_translation runs, summed over CPUs
unsigned long tcb_moves_deferred();  ///< moves put off because the thread was not quiet

/// Counts a move (the kit's switch path, after checking the frame changed).
void count_tcb_move();
void count_tcb_move_deferred();

}  // namespace thread
