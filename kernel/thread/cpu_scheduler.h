// cpu_scheduler.h: the scheduler's per-CPU state, shared by the three files
// that make up the scheduler:
//
//   scheduler.cc   switching threads, the run queue, blocking and waking,
//                  the safe point (kernel_exit) and the timer tick
//   timeouts.cc    each CPU's list of threads with a deadline, the clock
//   migration.cc   moving a thread to another CPU (Schedule, hand-over, Adopt)
//
// and by the IPC fast path (arch/ia32/syscall/ipc_fast.S), which makes the receiver of an
// IPC the running thread itself, as switch_to() would.
//
// Everything here belongs to the calling CPU and is touched with interrupts
// off (see scheduler.h), but for two parts: the run queue has its own lock
// because other CPUs' diagnostics read it, and other CPUs raise work for the
// CPU's safe point (thread/safe_point.h, on a cache line of its own).
#pragma once

#include <stdint.h>

#include "lib/per_cpu.h"
#include "thread/run_queue.h"
#include "thread/safe_point.h"
#include "thread/tcb.h"

namespace thread::detail {

constexpr uint32_t kTickUs = 10'000;

struct CpuScheduler {
    Tcb* current = nullptr;
    Tcb* idle = nullptr;
    RunQueue queue;
    bool running = false;
    bool slice_expired = false;       // (a switch due and the tick: thread/safe_point.h)
    Tcb* timeouts = nullptr;       // threads with a deadline, unordered
    Tcb* switched_from = nullptr;  // set across a switch, for finish_switch()
    Tcb* to_free = nullptr;        // a deleted thread to free once switched away from
    Tcb* dead = nullptr;           // deleted threads whose requests are still in flight (m_dead_next)
    uint64_t charged_until = 0;    // cycle count up to which the running thread paid for its time
    alignas(64) SafePointWork safe_point;  // raised by other CPUs too (safe_point.h)
};

/// Every CPU's scheduler (scheduler.cc). The GDB helpers read it by name
/// (scripts/gdb/proxima_sched.py: proxima-runqueues).
extern PerCpu<CpuScheduler> g_cpus;

}  // namespace thread::detail

namespace thread {

/// CPU `cpu`'s safe-point work, and the running CPU's (safe_point.h): the
/// IPC layer raises and takes work here too (ipc/remote.cc, ipc/partner_gone.cc).
inline SafePointWork& safe_point_work(unsigned cpu) { return detail::g_cpus.on(cpu).safe_point; }
inline SafePointWork& safe_point_work() { return detail::g_cpus.current().safe_point; }

}  // namespace thread

namespace thread::detail {

/// The top of a thread's kernel stack: the end of its TCB page (tcb.h).
inline uintptr_t stack_top(Tcb* tcb) { return uintptr_t(tcb) + kTcbSize; }

/// The TCB a run-queue entry is part of: the Schedulable lies in a TCB page,
/// and TCB pages are 4 KiB aligned.
inline Tcb* tcb_of(const Schedulable* entry) {
    return reinterpret_cast<Tcb*>(uintptr_t(entry) & ~uintptr_t(kTcbSize - 1));
}

// ---- scheduler.cc ------------------------------------------------------------

/// What the CPU needs to run `next` in user mode besides its directory: its
/// kernel stack, its UTCB segment and its space's IO bitmap (reloaded only
/// when that bitmap changed, so this is cheap on every return to user mode).
/// On the way back to user mode (kernel_exit), and in the IPC fast path when
/// the receiver's space has another space's IO bitmap (ipc_fast_entry.cc).
void load_user_context(Tcb* next);

/// After a switch, on the new thread's stack: checks the old thread's stack
/// canary, frees a deleted thread, hands a migrating one to its new CPU.
void finish_switch();

/// Frees the deleted threads of this CPU whose last request has been handled
/// (free_when_settled put them on c.dead). At the safe point.
void reap_dead(CpuScheduler& c);

// ---- timeouts.cc --------------------------------------------------------------

/// Arms (or moves) the deadline of a thread of this CPU.
void add_timeout(CpuScheduler& c, Tcb* tcb, uint64_t deadline);
/// Clears it; no effect on a thread without one.
void remove_timeout(CpuScheduler& c, Tcb* tcb);
/// Ends the wait of every thread whose deadline has passed (ipc::timeout_expired).
void expire_timeouts(CpuScheduler& c);

// ---- migration.cc -------------------------------------------------------------

/// `prev` was switched away from and asked to move (m_migrate_to >= 0): gives
/// it to its new CPU (an Adopt request, ipc/remote.h), unless its send is out on
/// another CPU (then move_after_send does, once the SendDone has come). Called
/// by finish_switch().
void hand_over(Tcb* prev);

}  // namespace thread::detail
