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
