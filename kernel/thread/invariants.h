// invariants.h: the invariant checker's look at the threads (syscall/kcheck.h
// runs it with every other CPU stopped).
//
// For every online CPU's run queue: its own links, bitmap and count agree
// (RunQueue::check_locked), and every entry is an existing thread of that
// CPU that is Ready, not the CPU's running thread, and on no other queue.
// For every thread of the TCB array: a Ready thread that does not run is
// queued (unless it is on its way to another CPU), a thread that waits is
// not, its queued flag says which, its space counts threads, and (with TCB
// migration on) its TCB page lies on the memory that serves its CPU's node
// unless it waits to follow, is in transit, or had no room (tcb_placement.h).
// The spaces of all threads go into `spaces` for the mapping database's walk.
#pragma once

#include "lib/invariant_report.h"
#include "mm/mapping_audit.h"

namespace thread {

void check_threads(kcheck::InvariantReport& report, mm::LiveSpaces& spaces);

}  // namespace thread
