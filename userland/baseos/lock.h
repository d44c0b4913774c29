// lock.h: the base OS's one lock, a spin lock that yields.
//
// The OS's pager threads (one per CPU, pager.h) share every table of the OS in one
// address space, as the thesis's non-NUMA OS does (5.4.1). One lock guards them all:
// the task table and each task's page table (task.h), the frame pool (frames.h) and the
// thread-number allocator (threads.h). Functions that need it held end in _locked.
// It is held across system calls (Unmap, ThreadControl, sigma0 requests) but never
// across an IPC to a task, which could block for ever. A waiter gives its time slice
// away (ThreadSwitch), so a holder preempted on the same CPU gets to run; after
// kSpinsBeforeSleep tries it sleeps a millisecond between tries, so that waiters on
// other CPUs do not take the host's CPUs from the holder (QEMU runs a virtual CPU
// as a host thread, and the host may have fewer CPUs than the guest).
#pragma once

#include "api/thread_id.h"
#include "l4/ipc.h"
#include "l4/message.h"
#include "l4/thread.h"

namespace baseos {

class SpinLock {
public:
    void lock() {
        for (unsigned tries = 0; __atomic_exchange_n(&m_locked, 1, __ATOMIC_ACQUIRE) != 0; ++tries) {
            if (tries < kSpinsBeforeSleep)
                l4::thread_switch(api::ThreadId::nil());
            else
                l4::sleep(l4::milliseconds(1));
        }
    }
    void unlock() { __atomic_store_n(&m_locked, 0, __ATOMIC_RELEASE); }

private:
    static constexpr unsigned kSpinsBeforeSleep = 200;
    int m_locked = 0;
};

/// The OS lock (defined in task.cc).
extern SpinLock g_os_lock;

/// Holds g_os_lock for one scope.
class OsGuard {
public:
    OsGuard() { g_os_lock.lock(); }
    ~OsGuard() { g_os_lock.unlock(); }
    OsGuard(const OsGuard&) = delete;
    OsGuard& operator=(const OsGuard&) = delete;
};

}  // namespace baseos
