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
//
// Every thread's kernel stack, the idle threads' too: how deep it has ever
// reached (a high-water mark: TCB pages are zeroed when they are allocated and
// moved whole, so the lowest word above the Tcb object that is not zero marks
// it). A stack that came within kStackMargin bytes of its Tcb object is a
// violation: the next deeper path would overwrite the TCB, and the canary is
// checked only when the thread is switched out.
#pragma once

#include <stdint.h>

#include "lib/invariant_report.h"
#include "mm/mapping_audit.h"
#include "thread/tcb.h"

namespace thread {

/// Bytes a kernel stack must keep free below its deepest use.
inline constexpr uint32_t kStackMargin = 512;

/// The lowest address of `tcb`'s kernel stack: the first word above the Tcb object.
inline uintptr_t stack_limit(const Tcb* tcb) { return (uintptr_t(tcb) + sizeof(Tcb) + 3) & ~uintptr_t(3); }

/// The deepest kernel stack of all threads (bytes from the top of its TCB page)
/// and the thread it belongs to (raw id; 0 for an idle thread).
struct StackDepth {
    uint32_t bytes = 0;
    uint32_t thread = 0;
};

/// The checks above; returns the deepest stack it saw.
StackDepth check_threads(kcheck::InvariantReport& report, mm::LiveSpaces& spaces);

}  // namespace thread
