// spin_lock.h: a ticket spin lock for threads of one address space, and its guard.
//
// A ticket lock serves waiters in arrival order: lock() draws a ticket (m_next++) and
// waits until m_serving shows it; unlock() serves the next ticket. No waiter starves,
// unlike a test-and-set lock, where the CPU nearest the cache line wins again and again
// (on a NUMA machine: the local one). Every waiter still spins on the same word, so each
// unlock invalidates that cache line on every waiting CPU; mcs_lock.h removes that.
//
// At user level a lock holder can be preempted, or wait behind a waiter on its own CPU.
// So a waiter spins with `pause` for a while (kSpinsBeforeYield), then gives its time
// slice away (ThreadSwitch to nil) for a while (kYieldsBeforeSleep), and then sleeps a
// timer tick between looks. The sleep matters where CPUs are shared: a ThreadSwitch on
// a CPU with nothing else to run returns at once, so a yielding waiter still keeps its
// CPU busy, and under QEMU with more virtual CPUs than host cores (make stress) the
// waiters' virtual CPUs take the host's time from the holder's. A sleeping waiter's CPU
// halts. A ticket lock serves in order, so its next waiter never sleeps (it would keep
// the lock idle for a tick); the ones behind it do.
//
// The lock is the kernel's (kernel/lib/spin_lock.h) minus interrupts, with the same
// -Wthread-safety annotations (GUARDED_BY a SpinLock works in user code too).
#pragma once

#include <stdint.h>

#include "api/thread_id.h"
#include "l4/thread.h"
#include "lib/thread_safety.h"

namespace l4 {

/// One round of waiting in a spin loop: `pause`; after kSpinsBeforeYield rounds a
/// ThreadSwitch, so that a preempted holder on this CPU can run; after kYieldsBeforeSleep
/// more, a sleep of a millisecond (a timer tick), unless `next_in_line`.
class SpinWait {
public:
    static constexpr unsigned kSpinsBeforeYield = 1000;
    static constexpr unsigned kYieldsBeforeSleep = 100;

    void relax(bool next_in_line = false) {
        if (m_spins < kSpinsBeforeYield) {
            ++m_spins;
            asm volatile("pause");
        } else if (next_in_line || m_spins < kSpinsBeforeYield + kYieldsBeforeSleep) {
            ++m_spins;
            thread_switch(api::ThreadId::nil());
        } else {
            nap();
        }
    }

private:
    /// Sleeps a millisecond; the caller's message registers are as they were (a waiter
    /// may hold a message it is about to send).
    static void nap();

    unsigned m_spins = 0;
};

class CAPABILITY("spin lock") SpinLock {
public:
    constexpr SpinLock() = default;
    SpinLock(const SpinLock&) = delete;
    SpinLock& operator=(const SpinLock&) = delete;

    void lock() ACQUIRE() {
        uint32_t ticket = __atomic_fetch_add(&m_next, 1, __ATOMIC_RELAXED);
        SpinWait wait;
        for (uint32_t serving; (serving = __atomic_load_n(&m_serving, __ATOMIC_ACQUIRE)) != ticket;)
            wait.relax(ticket - serving == 1);
    }

    /// Takes the lock only if nobody holds it or waits for it.
    bool try_lock() TRY_ACQUIRE(true) {
        uint32_t serving = __atomic_load_n(&m_serving, __ATOMIC_RELAXED);
        uint32_t expected = serving;
        return __atomic_compare_exchange_n(&m_next, &expected, serving + 1, false, __ATOMIC_ACQUIRE,
                                           __ATOMIC_RELAXED);
    }

    /// Only the holder writes m_serving, so reading it plainly here is safe.
    void unlock() RELEASE() { __atomic_store_n(&m_serving, m_serving + 1, __ATOMIC_RELEASE); }

    [[nodiscard]] bool is_locked() const {
        return __atomic_load_n(&m_next, __ATOMIC_RELAXED) != __atomic_load_n(&m_serving, __ATOMIC_RELAXED);
    }

private:
    uint32_t m_next = 0;     // the next ticket to draw
    uint32_t m_serving = 0;  // the ticket that holds the lock
};

class SCOPED_CAPABILITY SpinLockGuard {
public:
    explicit SpinLockGuard(SpinLock& lock) ACQUIRE(lock) : m_lock(lock) { m_lock.lock(); }
    ~SpinLockGuard() RELEASE() { m_lock.unlock(); }
    SpinLockGuard(const SpinLockGuard&) = delete;
    SpinLockGuard& operator=(const SpinLockGuard&) = delete;

private:
    SpinLock& m_lock;
};

}  // namespace l4
