// scheduler.h: each CPU's scheduler: the running thread, the run queue, the
// idle thread, blocking and waking, timeouts and the safe points.
//
// Everything here acts on the calling CPU and its own threads, with
// interrupts off (the kernel runs with interrupts off except in the idle
// loop). Threads of other CPUs are reached through ipc/remote.h.
//
// A thread's life on its CPU:
//
//            make_ready()                 schedule() picks it
//   (blocked) ----------> Ready, queued  -------------------> Ready, running
//       ^                                                       |   |
//       |  block(): Sending / Receiving / WaitingRemote         |   | timer: slice
//       +-------------------------------------------------------+   | used up, or a
//                                                                   | higher priority
//                                                queued again  <----+ woke up
//
// Safe points (kernel_exit): before a CPU returns to user mode and in its
// idle loop, it handles its inbox of remote requests, expires timeouts and
// switches threads when a switch is due. A thread that blocks inside a system
// call is switched away from right there and continues after block() when
// it is woken. If nothing else is ready, the CPU does not switch to its idle
// thread: it waits in block(), on the blocked thread's stack, doing the idle
// loop's work there (schedule() in scheduler.cc), and the thread stays the
// CPU's current thread, blocked, until it is woken or another thread is
// ready. An operation another CPU asks on a CPU's current thread, waiting
// or running (ipc::handle_inbox), first switches it out (leave_for_idle).
#pragma once

#include <stdint.h>

#include "arch/user.h"
#include "thread/tcb.h"

namespace thread {

/// Makes every online CPU's idle thread, its TCB page on the CPU's node. The
/// boot CPU calls it once, before the initial servers start, so no CPU is
/// still allocating kernel memory for itself when the user level runs (and
/// GDB, stopped at the first system call, finds every pool at rest).
void create_idle_threads();

/// Starts scheduling on this CPU with its idle thread; never returns.
[[noreturn]] void start_scheduling();

// scheduling() and kernel_exit(), which the trap code calls, are declared in
// arch/user.h (the layer below), and defined in scheduler.cc.

/// The thread running on this CPU.
Tcb* current();

/// The idle thread of this CPU.
Tcb* idle_thread();

/// A thread of this CPU becomes ready (state Ready, queued). Preempts the
/// running thread at the next safe point if its priority is higher.
void make_ready(Tcb* tcb);

/// Ends a blocked thread's wait with `why` (clears its timeout) and makes it ready.
void wake(Tcb* tcb, WakeReason why);

/// The running thread blocks in `state` until wake(); a non-zero `deadline`
/// (clock_us) wakes it with WakeReason::Timeout. Returns the wake reason.
WakeReason block(State state, uint64_t deadline);

/// Arms (deadline != 0) or clears the timeout of a thread of this CPU.
void set_timeout(Tcb* tcb, uint64_t deadline);

/// Switches to another thread if one of equal or higher priority is ready
/// (ThreadSwitch to nil); the caller stays ready.
void yield();

/// Runs `tcb` (ready, on this CPU) right now, the caller staying ready (ThreadSwitch to a thread).
void donate(Tcb* tcb);

/// Takes a thread of this CPU out of the run queue and timeouts (it is
/// being deleted or moved); for the running thread the switch happens at
/// the next safe point.
void detach(Tcb* tcb);

/// Moves a thread of this CPU to CPU `cpu` (Schedule's processor control;
/// `by_itself`: the thread asked for its own move). The running thread,
/// unless it moves itself, and a ready thread that arrived here by a move and
/// has not run here yet, go when they are switched out (migration.cc).
void migrate(Tcb* tcb, unsigned cpu, bool by_itself);

/// A move of `tcb` put off while its send was out on another CPU (migration.cc)
/// goes now: that CPU's SendDone has ended the send phase (ipc/remote.cc).
void move_after_send(Tcb* tcb);

/// Called by a CPU that receives an Adopt request for `tcb`.
void adopt(Tcb* tcb);

/// Sets the priority of a thread of this CPU.
void set_priority(Tcb* tcb, uint8_t priority);

/// Asks for a thread switch at the next safe point.
void request_reschedule();

/// The timer's 10 ms tick on this CPU (interrupt context).
void on_timer_tick();

/// Microseconds since boot (X.2 SystemClock), from the cycle counter.
uint64_t clock_us();

/// Deletion of a thread that is not running: frees its TCB after the switch.
void free_after_switch(Tcb* tcb);

/// A deleted thread of this CPU that a request in flight still refers to
/// (ipc::requests_in_flight): finish_delete runs at this CPU's first safe
/// point after the last of them has been handled.
void free_when_settled(Tcb* tcb);

}  // namespace thread
