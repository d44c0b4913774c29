// tcb_placement.h: where a TCB page lies, as the invariant checker sees it
// (thread/invariants.h; Lab 3 moves the pages, tcb_migrate.h).
//
// A TCB page belongs on the memory that serves its thread's node: the node's
// own pool, or the nearest one for a node without memory. It may lie
// elsewhere only while it waits to follow its thread (m_tcb_pending), while
// the thread is being handed to another CPU, or because that memory had no
// page when the page was placed. The last case is recorded when a page is
// placed (at creation, and after each try to move it): record_tcb_placement
// asks the serving pool for a page and gives it back; the thread is excused
// (m_tcb_off_node) only if the pool had none. So a Lab 3 solution that
// leaves a page behind, or moves it to the wrong node, with memory to spare,
// is reported by the checker, while one that had no memory is not.
//
// These are the kit's own look at the page, independent of the lab's code
// (tcb_migrate.cc's frame_on_memory_of answers the same question for the lab).
#pragma once

#include "thread/tcb.h"

namespace thread {

/// Whether `tcb`'s page lies on the memory that serves `node`.
bool tcb_on_memory_of(const Tcb* tcb, unsigned node);

/// After `tcb`'s page was placed for `node` (created there, or moved or not
/// moved there): notes whether it lies elsewhere for want of memory.
void record_tcb_placement(Tcb* tcb, unsigned node);

}  // namespace thread
