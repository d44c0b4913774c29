// cross_call.h: run a function on another CPU (or on all), by IPI.
//
// The primitive under TLB shootdowns and, later, cross-CPU IPC:
//
//   smp::call_on(cpu, fn, arg, smp::Wait::Yes);     // fn(arg) runs on `cpu`; returns after it ran
//   smp::call_on_all(fn, arg, smp::Wait::No);       // queued on every online CPU, this one included
//
// How it works: each CPU owns a request queue (PerCpu<CallQueue>). A caller
// appends a request to the target's queue under that queue's lock and sends
// the cross-call IPI; the target's interrupt handler drains its queue. With
// Wait::Yes the caller spins on a completion counter, and while spinning it
// drains its own queue, so two CPUs that call each other with interrupts off
// cannot deadlock. A full queue makes the caller drain its own queue and retry.
//
// `fn` runs in interrupt context on the target: it must not block or take a
// lock that the target may hold with interrupts enabled.
#pragma once

#include <stdint.h>

#include "arch/arch.h"
#include "lib/spin_lock.h"

namespace smp {

using CallFunction = void (*)(void* arg);

enum class Wait { No, Yes };

/// Runs fn(arg) on `cpu` (which may be this CPU: then it runs right here).
/// Returns false if `cpu` is not online.
bool call_on(unsigned cpu, CallFunction fn, void* arg, Wait wait);

/// Runs fn(arg) on every online CPU, this one included.
void call_on_all(CallFunction fn, void* arg, Wait wait);

/// Runs the requests queued for this CPU (the IPI handler; also polled by waiters).
void handle_cross_calls();

/// Waits until done() returns true, answering this CPU's cross calls and
/// pausing between polls. Every wait for other CPUs that may themselves wait
/// for this one (a caller's "my call ran", a test's "every CPU finished", the
/// checker's "every CPU parked") is this loop: answering keeps two waiting
/// CPUs from deadlocking, and the pause ends this CPU's turn under QEMU's
/// -icount, which runs the virtual CPUs one after the other (a CPU polling
/// without it kept the CPU it waited for from running: make bench-ipc
/// ICOUNT=1 hung so in the checker).
template <typename Done>
void serve_calls_until(Done done) {
    while (!done()) {
        handle_cross_calls();
        arch::cpu_relax();
    }
}

/// serve_calls_until() that also gives up when arch::cycles() reaches
/// `deadline`; returns whether done() became true.
template <typename Done>
bool serve_calls_until(Done done, uint64_t deadline) {
    while (!done()) {
        if (arch::cycles() >= deadline) return false;
        handle_cross_calls();
        arch::cpu_relax();
    }
    return true;
}

/// Takes `lock` while running this CPU's cross calls, for a lock that a CPU
/// may hold while it waits for a cross call to finish (the mapping database
/// holds its lock across TLB shootdowns): a plain spin with interrupts off
/// would never answer that CPU, and both would wait forever.
void lock_serving_calls(SpinLock& lock) ACQUIRE(lock);

/// lock_serving_calls() as a scope guard.
class SCOPED_CAPABILITY ServingCallsGuard {
public:
    explicit ServingCallsGuard(SpinLock& lock) ACQUIRE(lock) : m_lock(lock) { lock_serving_calls(lock); }
    ~ServingCallsGuard() RELEASE() { m_lock.unlock(); }
    ServingCallsGuard(const ServingCallsGuard&) = delete;
    ServingCallsGuard& operator=(const ServingCallsGuard&) = delete;

private:
    SpinLock& m_lock;
};

/// Requests run on `cpu` so far (for tests and statistics).
unsigned long calls_handled(unsigned cpu);

}  // namespace smp
