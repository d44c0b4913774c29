// mcs_lock.h: the MCS queue lock (Mellor-Crummey and Scott, 1991), one of the thesis's
// challenge problems (ROADMAP, "The labs": MCS locks).
//
// A ticket lock (spin_lock.h) makes every waiter spin on one shared word, so each
// release invalidates that cache line on every waiting CPU, and on a NUMA machine most
// of those misses go to remote memory. MCS makes each waiter spin on a word of its own
// (in its queue node, which it can keep in its own node's memory); a release touches
// only the next waiter's word. Waiters are served in arrival order, as with tickets.
//
// The lock is one pointer, `m_tail`: the last node in the queue of holder and waiters,
// or null when the lock is free.
//
//   m_tail ---------------------------------------------.
//                                                        v
//   [holder: next] --> [waiter A: next, locked=1] --> [waiter B: next=null, locked=1]
//                        spins on A.locked               spins on B.locked
//
// lock(node):
//   1. node.next = null, node.locked = 1.
//   2. pred = exchange(m_tail, &node): we are now the tail, in one atomic step.
//   3. pred null: the lock was free, and is ours. Otherwise link in (pred->next = &node)
//      and spin until our predecessor clears node.locked.
// unlock(node):
//   1. If node.next is set, clear node.next->locked: the lock passes to that waiter.
//   2. If not, try compare_exchange(m_tail, &node, null): if we are still the tail, no
//      one waits and the lock is free.
//   3. If that fails, a waiter has done its exchange (lock step 2) but not yet linked
//      itself (lock step 3): wait for node.next to appear, then hand over as in 1.
//
// Memory order: the exchange is acquire-release, the pred->next store and the handover
// store are release, and the loads that see them are acquire, so the critical section of
// one holder happens before that of the next. A node belongs to its lock from lock() to
// the end of unlock() and must stay alive (and not be reused) until then: McsGuard keeps
// it on the caller's stack for exactly that time.
//
// At user level a waiter that spins too long gives its time slice away (SpinWait), since
// the lock may have been handed to a waiter that is preempted.
#pragma once

#include <stdint.h>

#include "l4/spin_lock.h"
#include "lib/thread_safety.h"

namespace l4 {

/// A waiter's place in an McsLock's queue.
struct McsNode {
    McsNode* next = nullptr;  // the waiter after us, set by that waiter
    uint32_t locked = 0;      // 1 while we wait; our predecessor clears it
};

class CAPABILITY("MCS lock") McsLock {
public:
    constexpr McsLock() = default;
    McsLock(const McsLock&) = delete;
    McsLock& operator=(const McsLock&) = delete;

    void lock(McsNode& node) ACQUIRE() {
        node.next = nullptr;
        node.locked = 1;
        McsNode* pred = __atomic_exchange_n(&m_tail, &node, __ATOMIC_ACQ_REL);
        if (pred == nullptr) return;
        __atomic_store_n(&pred->next, &node, __ATOMIC_RELEASE);
        SpinWait wait;
        while (__atomic_load_n(&node.locked, __ATOMIC_ACQUIRE) != 0) wait.relax();
    }

    /// Takes the lock only if it is free (nobody holds it or waits for it).
    bool try_lock(McsNode& node) TRY_ACQUIRE(true) {
        node.next = nullptr;
        node.locked = 0;
        McsNode* expected = nullptr;
        return __atomic_compare_exchange_n(&m_tail, &expected, &node, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
    }

    void unlock(McsNode& node) RELEASE() {
        McsNode* next = __atomic_load_n(&node.next, __ATOMIC_ACQUIRE);
        if (next == nullptr) {
            McsNode* expected = &node;
            if (__atomic_compare_exchange_n(&m_tail, &expected, nullptr, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
                return;
            SpinWait wait;
            while ((next = __atomic_load_n(&node.next, __ATOMIC_ACQUIRE)) == nullptr) wait.relax();
        }
        __atomic_store_n(&next->locked, 0u, __ATOMIC_RELEASE);
    }

    [[nodiscard]] bool is_locked() const { return __atomic_load_n(&m_tail, __ATOMIC_RELAXED) != nullptr; }

private:
    McsNode* m_tail = nullptr;
};

/// Holds an McsLock for a scope, with its queue node on the caller's stack.
class SCOPED_CAPABILITY McsGuard {
public:
    explicit McsGuard(McsLock& lock) ACQUIRE(lock) : m_lock(lock) { m_lock.lock(m_node); }
    ~McsGuard() RELEASE() { m_lock.unlock(m_node); }
    McsGuard(const McsGuard&) = delete;
    McsGuard& operator=(const McsGuard&) = delete;

private:
    McsLock& m_lock;
    McsNode m_node;
};

}  // namespace l4
