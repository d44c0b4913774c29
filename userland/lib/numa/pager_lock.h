// pager_lock.h: the lock that guards a task's master table (thesis 4.2.1: "a
// simple spin lock ... more sophisticated locking techniques like MCS locks [31] can be
// used, which allow each processor to spin on local memory"). Both are here, and the
// root pager's option `lock=spin|mcs` picks one for the whole run (System::master_lock),
// so the evaluation lab can compare them.
//
// The lock lies in shared pool memory and is taken by pagers in different address
// spaces. A ticket lock needs nothing else. An MCS waiter links a queue node into the
// lock and its predecessor writes into that node, so the node must lie where every
// pager sees it at the same address: in a pool, not on the pager's stack. Each pager
// thread that takes master locks has a node of its own in its own node's pool
// (apppager: Self::lock_nodes), so it spins on local memory. A thread holds at most
// one master lock at a time, so one node per thread suffices.
#pragma once

#include "api/word.h"
#include "l4/mcs_lock.h"
#include "l4/spin_lock.h"
#include "lib/thread_safety.h"

namespace numa {

enum class LockKind : api::Word { Spin = 0, Mcs = 1 };

class CAPABILITY("pager lock") PagerLock {
public:
    /// Chooses the kind; only while nobody can hold the lock (a new task).
    void set_kind(LockKind kind) { m_kind = kind; }
    [[nodiscard]] LockKind kind() const { return m_kind; }

    /// `node`: the calling thread's queue node, in pool memory (used by MCS only).
    void lock(l4::McsNode& node) ACQUIRE() NO_THREAD_SAFETY_ANALYSIS {
        if (m_kind == LockKind::Mcs)
            m_mcs.lock(node);
        else
            m_spin.lock();
    }
    void unlock(l4::McsNode& node) RELEASE() NO_THREAD_SAFETY_ANALYSIS {
        if (m_kind == LockKind::Mcs)
            m_mcs.unlock(node);
        else
            m_spin.unlock();
    }
    [[nodiscard]] bool is_locked() const {
        return m_kind == LockKind::Mcs ? m_mcs.is_locked() : m_spin.is_locked();
    }

private:
    LockKind m_kind = LockKind::Spin;
    l4::SpinLock m_spin;
    l4::McsLock m_mcs;
};

class SCOPED_CAPABILITY PagerLockGuard {
public:
    PagerLockGuard(PagerLock& lock, l4::McsNode& node) ACQUIRE(lock) : m_lock(lock), m_node(node) {
        m_lock.lock(m_node);
    }
    ~PagerLockGuard() RELEASE() { m_lock.unlock(m_node); }
    PagerLockGuard(const PagerLockGuard&) = delete;
    PagerLockGuard& operator=(const PagerLockGuard&) = delete;

private:
    PagerLock& m_lock;
    l4::McsNode& m_node;
};

}  // namespace numa
