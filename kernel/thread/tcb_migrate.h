// tcb_migrate.h: a thread's TCB follows it to its new node (Lab 3; thesis
// 3.3.2 and 4.1.4).
//
// A TCB is one 4 KiB page in the virtual TCB array (tcb_array.h). When a
// thread moves to a CPU of another node, the switch path moves that page:
//
//   slot (virtual, never changes)         slot
//     |                                     |
//     v            (1) alloc on node B      v
//   [old page, node A]  (2) copy ----> [new page, node B]
//                       (3) point the slot at the new page
//                       (4) every CPU forgets the old translation; wait for all
//                       (5) give the old page back (poisoned)
//
// Same node (or a node served by the same memory): nothing moves.
//
// Who calls it, and why nobody else touches the TCB meanwhile (the quiesce
// step the kit provides, thread/migration.cc):
//   * the thread's own CPU calls try_move_tcb, in hand_over() once it runs on
//     another stack (the thread is not running and in no run queue);
//   * only when the thread is quiet (tcb_quiet): no request of its own is in
//     any CPU's inbox or being handled (ipc::requests_in_flight), it has no
//     send or operation outstanding on another CPU (not Sending remotely, not
//     WaitingRemote) and it is not being deleted. Then no other CPU has a
//     reason to write into its page: every write another CPU makes into a TCB
//     is one of those (a request's link or fields, a remote receiver's queue
//     links, an answer). Other CPUs may still *read* it (a lookup for IPC):
//     they read the old page or the new one, which are equal until the move
//     returns, and never the old one after the shootdown's last acknowledgement;
//   * a thread that is not quiet keeps its page for now (m_tcb_pending) and
//     is moved on its new CPU as soon as it is: when it is switched out
//     there, or when the last of its requests in flight has been handled
//     there (tcb_settled: the answer to its remote send, for one);
//   * concurrent IPC to the thread: its requests go to its CPU (the old one
//     until the hand-over, which sets the new CPU and posts the Adopt request
//     in one step, ipc::post_adopt), so they wait in an inbox while it moves.
//
// Pointers into the page (queue links, run-queue entries, the saved kernel
// stack pointer and the frames on its kernel stack) stay valid because they
// are virtual addresses in the slot, which keeps its address.
//
// The UTCB does not move: it lies in the page of the thread's space's UTCB
// area, on the space's home node (Lab 2). Lab 7 moves a migrating thread into
// its task's space on the new node, which makes the UTCB local there.
//
// The off switch: boot option tcb_migration=off (the thesis's comparison).
#pragma once

#include "thread/tcb.h"

namespace thread {

/// Lab 3: moves `tcb`'s page to `node`'s memory (kmem's nearest pool with
/// room when `node` has none). The caller guarantees the thread is quiet
/// (above). Returns true if the page moved; false if it already lay on that
/// memory, or memory was short (the thread keeps its old page, still valid).
bool try_move_tcb(Tcb* tcb, unsigned node);

/// Lab 3: whether physical `frame` lies in the memory kmem gives `node`: its
/// own pool, or the nearest one with memory for a node without (Lab 1).
bool frame_on_memory_of(uint64_t frame, unsigned node);

/// Lab 3: makes every CPU forget its TLB entry for `tcb`'s slot and returns
/// only when each one has (only then may the old page be reused).
void shoot_down_tcb(Tcb* tcb);

/// Whether no other CPU can write into `tcb`'s page now (the quiesce step,
/// above). Its own CPU only.
bool tcb_quiet(const Tcb* tcb);

/// The switch path's call: moves `tcb`'s page to `node` if TCB migration is
/// on, when the thread is quiet; otherwise it tries again at the thread's
/// next switch out (m_tcb_pending). Its own CPU only, the thread not running.
void place_tcb(Tcb* tcb, unsigned node);

/// A request that lives in `tcb` was handled to the end on this CPU
/// (ipc/remote.cc): if `tcb` is this CPU's, not running, and waits for its
/// TCB to follow it, try now (a thread blocked in IPC may not run for long).
void tcb_settled(Tcb* tcb);

}  // namespace thread
