// spin_lock.h: a ticket spin lock and its RAII guards.
//
// A ticket lock serves CPUs in arrival order, so no CPU starves under
// contention (a plain test-and-set lock lets the CPU nearest the cache line win
// again and again, which on NUMA hardware is the local one). It is the
// baseline for the MCS-lock challenge problem.
//
// Take a lock that an interrupt handler also takes only with interrupts off
// (IrqSpinLockGuard, or InterruptsOffSpinLockGuard where they are off by
// contract), or the handler can spin on a lock its own CPU holds.
#pragma once

#include <stdint.h>

#include "arch/arch.h"
#include "lib/thread_safety.h"

class CAPABILITY("spin lock") SpinLock {
public:
    constexpr SpinLock() = default;
    SpinLock(const SpinLock&) = delete;
    SpinLock& operator=(const SpinLock&) = delete;

    void lock() ACQUIRE() {
        uint32_t ticket = __atomic_fetch_add(&m_next, 1, __ATOMIC_RELAXED);
        while (__atomic_load_n(&m_serving, __ATOMIC_ACQUIRE) != ticket) arch::cpu_relax();
    }

    bool try_lock() TRY_ACQUIRE(true) {
        uint32_t serving = __atomic_load_n(&m_serving, __ATOMIC_RELAXED);
        uint32_t expected = serving;
        return __atomic_compare_exchange_n(&m_next, &expected, serving + 1, false, __ATOMIC_ACQUIRE,
                                           __ATOMIC_RELAXED);
    }

    void unlock() RELEASE() { __atomic_store_n(&m_serving, m_serving + 1, __ATOMIC_RELEASE); }

    bool is_locked() const {
        return __atomic_load_n(&m_next, __ATOMIC_RELAXED) != __atomic_load_n(&m_serving, __ATOMIC_RELAXED);
    }

    /// For panic only: forget every holder so the dying kernel can still print.
    void force_unlock() NO_THREAD_SAFETY_ANALYSIS {
        __atomic_store_n(&m_serving, __atomic_load_n(&m_next, __ATOMIC_RELAXED), __ATOMIC_RELEASE);
    }

private:
    uint32_t m_next = 0;
    uint32_t m_serving = 0;
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

/// Takes a lock that an interrupt handler also takes, like IrqSpinLockGuard,
/// in code that runs with interrupts off by contract (the scheduler:
/// thread/scheduler.h), where saving, clearing and restoring the interrupt
/// flag would be dead work on the hottest path. The debug build checks the
/// contract (arch::check_interrupts_off).
class SCOPED_CAPABILITY InterruptsOffSpinLockGuard {
public:
    explicit InterruptsOffSpinLockGuard(SpinLock& lock) ACQUIRE(lock) : m_lock(lock) {
        arch::check_interrupts_off();
        m_lock.lock();
    }
    ~InterruptsOffSpinLockGuard() RELEASE() { m_lock.unlock(); }
    InterruptsOffSpinLockGuard(const InterruptsOffSpinLockGuard&) = delete;
    InterruptsOffSpinLockGuard& operator=(const InterruptsOffSpinLockGuard&) = delete;

private:
    SpinLock& m_lock;
};

/// Disables interrupts on this CPU, then takes the lock; undoes both in reverse.
class SCOPED_CAPABILITY IrqSpinLockGuard {
public:
    explicit IrqSpinLockGuard(SpinLock& lock) ACQUIRE(lock) : m_lock(lock) { m_lock.lock(); }
    ~IrqSpinLockGuard() RELEASE() { m_lock.unlock(); }
    IrqSpinLockGuard(const IrqSpinLockGuard&) = delete;
    IrqSpinLockGuard& operator=(const IrqSpinLockGuard&) = delete;

private:
    arch::InterruptsOff m_irq_off;  // constructed before the lock is taken, destroyed after
    SpinLock& m_lock;
};
