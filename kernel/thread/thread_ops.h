// thread_ops.h: creating, starting and deleting threads (used by
// ThreadControl and by the boot of sigma0 and the root task).
//
// A thread's life in X.2:
//
//   ThreadControl(create)      ThreadControl(pager, UTCB) or
//   ------------------> Inactive --------------------------> waiting for the
//                        (space, no UTCB yet)                start message from
//                                                            its pager (IP, SP)
//                                                                  | message
//   ThreadControl(delete), from any state                          v
//   ------------------> gone (TCB freed, space freed        Ready / running ...
//                        with its last thread)
#pragma once

#include "api/error.h"
#include "api/thread_id.h"
#include "thread/tcb.h"

namespace mm {
class Space;
}

namespace thread {

/// A new inactive thread `id` in `space`, on this CPU, its TCB on this CPU's
/// node. Errors: InvalidThread (number out of range or in use), OutOfMemory.
[[nodiscard]] api::Result<Tcb*> try_create(api::ThreadId id, mm::Space* space, api::ThreadId scheduler);

/// Gives an inactive thread its UTCB at `utcb_location` and makes it wait
/// for its start message from `pager`. Errors: UtcbArea, OutOfMemory.
[[nodiscard]] api::Result<void> try_activate(Tcb* tcb, api::Word utcb_location, api::ThreadId pager);

/// Moves thread `tcb` of this CPU into space `to` (ThreadControl on an existing
/// thread with another space, Lab 7's kernel part). Its UTCB stays at the same user
/// address: a UTCB page of `to` (on to's home node) gets its contents. The thread
/// keeps its CPU, state, registers and IPC; if it is running here, this CPU loads
/// to's directory at once. Errors: UtcbArea (its UTCB address is outside to's UTCB
/// area or taken there), InvalidSpace (to is not configured and the thread has a
/// UTCB), InvalidThread (it is sending to another CPU right now, which reads its
/// message registers: try again), OutOfMemory. On success the space it left,
/// if that was its last thread (the caller destroys it: Space::destroy waits for
/// other CPUs), else nullptr.
[[nodiscard]] api::Result<mm::Space*> try_move_to_space(Tcb* tcb, mm::Space* to);

/// Deletes a thread of this CPU: ends its IPC and its partners' IPC with it
/// (they see "no partner"), and frees it when nothing refers to it any more.
void delete_thread(Tcb* tcb);

/// Frees a deleted thread: its UTCB slot, its TCB and, with the last thread,
/// its space. Its CPU only, when the thread is not running.
void finish_delete(Tcb* tcb);

}  // namespace thread
