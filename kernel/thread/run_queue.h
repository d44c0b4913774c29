// run_queue.h: one CPU's run queue, the L4 X.2 scheduler's data structure.
//
// L4 X.2 scheduling: 256 priorities, 0 (lowest) to 255 (highest); the
// highest-priority ready thread runs; threads of one priority take turns
// (round robin). Each thread has a time slice length (X.2 Schedule's
// "timeslice", Pistachio's default is 10 ms) and the part of the current
// slice it has left. A thread that uses up its slice goes to the tail of its
// priority; a thread preempted by a higher priority before its slice ended
// goes back to the head, so it keeps its turn.
//
// The queue does not own threads. The TCB embeds a Schedulable and the queue
// links those, so enqueue and dequeue never allocate. The picture:
//
//   m_bitmap: 8 words x 32 bits; bit (p % 32) of word (p / 32) is set
//   exactly when priority p has a ready entry.
//
//     word 7: 255..224   word 3: 127..96     word 0: 31..0
//     0000 ... 0001      0000 ... 0001 0000  0000 ... 0001
//                 ^ 224           ^ 100                  ^ 0
//
//   m_words: bit w set exactly when word w of m_bitmap is not zero (the
//   IPC fast path asks "anything above priority p?" with two loads, and
//   the pick finds the highest non-empty word with one bit scan).
//
//   m_heads[256]: per priority, the head of a circular doubly linked list.
//
//     m_heads[224] -> [R]            alone: R.next == R.prev == R
//                    +-------------------------------+
//                    v                               |
//     m_heads[100] -> [A] <-> [B] <-> [C] -----------+   C.next == A, A.prev == C
//                     head             tail = head->prev
//     m_heads[0]   -> [I]
//     m_heads[p]   == nullptr for every other p
//
// Picking the next thread is O(1): the highest set bit of m_words names the
// highest non-zero word, its highest set bit the priority (__builtin_clz
// twice), and the head of that list is the thread. Enqueue at the tail inserts
// before the head; enqueue at the head does the same and moves the head;
// a rotation at the head just advances the head pointer.
//
// Which thread is where: the thread running on the CPU is NOT queued (as in
// seL4). The idle thread is never queued: pick_highest_locked() returning
// nullptr means "run idle". The owning CPU's scheduler, lock held:
//   (1) timer: tick_locked(current, us); if its slice expired,
//       enqueue_locked(current, Where::Tail), then pick.
//   (2) preempted by a wake-up of a higher priority:
//       enqueue_locked(current, Where::Head), then pick.
//   (3) current blocks: do not enqueue it; pick (nullptr: idle).
//
// Per CPU and locking: the kernel keeps one RunQueue per CPU
// (PerCpu<RunQueue>). m_lock guards the queue and every field of every
// Schedulable of this CPU (queued or running). Only the owning CPU picks,
// dequeues, rotates, ticks and changes priorities. Another CPU only
// enqueues, to wake a thread that lives here:
//   (1) remote CPU: run_queues.on(cpu).enqueue(tcb.sched) takes the lock;
//   (2) remote CPU: if the woken priority is above the one running there,
//       the caller sends a reschedule IPI (not done here: the queue knows
//       nothing of CPUs);
//   (3) owning CPU, in the IPI handler or at its next tick: takes the lock,
//       compares highest_locked() with current, and switches (step (2) above).
// The timer interrupt takes the lock, so every holder uses IrqSpinLockGuard.
//
// Not here yet: the X.2 total quantum (a thread that exhausts it stops and
// its scheduler is told), and moving threads between CPUs.
//
// Tests: tests/host/run_queue_test.cc ([runqueue]).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/spin_lock.h"
#include "lib/thread_safety.h"

namespace thread {

constexpr unsigned kPriorities = 256;
constexpr uint8_t kDefaultPriority = 100;         ///< Pistachio's default for new threads
constexpr uint32_t kDefaultTimesliceUs = 10'000;  ///< 10 ms, Pistachio's default

/// The scheduling part of a TCB. Guarded by the lock of the RunQueue of the
/// thread's CPU; only RunQueue changes the fields while the entry is queued.
class Schedulable {
public:
    constexpr explicit Schedulable(uint8_t priority = kDefaultPriority, uint32_t timeslice_us = kDefaultTimesliceUs)
        : m_timeslice_us(timeslice_us), m_remaining_us(timeslice_us), m_priority(priority) {}
    Schedulable(const Schedulable&) = delete;
    Schedulable& operator=(const Schedulable&) = delete;

    uint8_t priority() const { return m_priority; }
    uint32_t timeslice_us() const { return m_timeslice_us; }
    uint32_t remaining_us() const { return m_remaining_us; }
    bool is_queued() const { return m_queued; }

    /// X.2 Schedule's timeslice: sets the length (> 0) and starts a full slice.
    void set_timeslice(uint32_t us) {
        m_timeslice_us = us;
        m_remaining_us = us;
    }

private:
    friend class RunQueue;

    Schedulable* m_prev = nullptr;  // links in the circular list of m_priority (valid while queued)
    Schedulable* m_next = nullptr;
    uint32_t m_timeslice_us;
    uint32_t m_remaining_us;
    uint8_t m_priority;
    bool m_queued = false;
};

class RunQueue {
public:
    enum class Where { Tail, Head };

    constexpr RunQueue() = default;
    RunQueue(const RunQueue&) = delete;
    RunQueue& operator=(const RunQueue&) = delete;

    /// The lock to hold for the *_locked calls:
    ///   IrqSpinLockGuard guard(rq.lock());
    /// (RETURN_CAPABILITY tells -Wthread-safety that the result is m_lock.)
    SpinLock& lock() RETURN_CAPABILITY(m_lock) { return m_lock; }

    /// Where the summary word m_words lies in a RunQueue: the IA32 IPC fast
    /// path reads it in assembly (arch/ia32/syscall/ipc_fast_layout.h).
    static constexpr size_t summary_offset();

    /// Links `entry` at the tail (its turn comes after every entry of its
    /// priority) or at the head (a preempted thread keeps its turn). False,
    /// and nothing changes, if it is already queued.
    [[nodiscard]] bool enqueue_locked(Schedulable& entry, Where where = Where::Tail) REQUIRES(m_lock);

    /// enqueue_locked under the lock: the remote wake-up (see the file comment).
    [[nodiscard]] bool enqueue(Schedulable& entry, Where where = Where::Tail) EXCLUDES(m_lock);

    /// Unlinks `entry`; false if it is not queued. Owning CPU only.
    bool dequeue_locked(Schedulable& entry) REQUIRES(m_lock);

    /// The entry that should run: the head of the highest non-empty
    /// priority, still queued; nullptr if the queue is empty (run idle).
    Schedulable* highest_locked() const REQUIRES(m_lock);

    /// highest_locked(), dequeued: the next thread to run. Owning CPU only.
    Schedulable* pick_highest_locked() REQUIRES(m_lock);

    /// Moves a queued entry to the tail of its priority (its slice ended);
    /// false if it is not queued. Owning CPU only.
    bool rotate_locked(Schedulable& entry) REQUIRES(m_lock);

    /// X.2 Schedule's priority. A queued entry moves to the tail of its new
    /// priority (even if the priority is unchanged). Owning CPU only.
    void set_priority_locked(Schedulable& entry, uint8_t priority) REQUIRES(m_lock);

    /// Charges `elapsed_us` to the running entry. Returns true if its slice
    /// is used up; the slice is then refilled for its next turn (what was
    /// overdrawn is forgiven). Owning CPU only.
    [[nodiscard]] bool tick_locked(Schedulable& running, uint32_t elapsed_us) REQUIRES(m_lock);

    size_t count_locked() const REQUIRES(m_lock) { return m_count; }

    /// Whether an entry of a priority above `priority` is queued, read without
    /// the lock by the owning CPU (the IPC fast path, arch/ia32/syscall/ipc_fast.S): only
    /// the owning CPU dequeues, so a true answer stays true; an enqueue by
    /// another CPU racing with it is followed by a reschedule request anyway.
    bool ready_above(uint8_t priority) const NO_THREAD_SAFETY_ANALYSIS;

    /// Checks every invariant (bitmap matches lists, links, flags, count);
    /// O(entries), for tests and debugging.
    bool check_locked() const REQUIRES(m_lock);

    /// Calls visit(entry) for every queued entry, highest priority first; for
    /// the invariant checker (thread/invariants.cc), after check_locked().
    template <typename Visit>
    void for_each_locked(Visit visit) const REQUIRES(m_lock) {
        for (unsigned priority = kPriorities; priority-- > 0;) {
            const Schedulable* head = m_heads[priority];
            if (head == nullptr) continue;
            const Schedulable* entry = head;
            do {
                visit(entry);
                entry = entry->m_next;
            } while (entry != head);
        }
    }

private:
    static constexpr unsigned kBitsPerWord = 32;
    static constexpr unsigned kWords = kPriorities / kBitsPerWord;

    static constexpr uint32_t bit_of(unsigned priority) { return uint32_t(1) << (priority % kBitsPerWord); }
    static constexpr unsigned word_of(unsigned priority) { return priority / kBitsPerWord; }

    // The list surgery, on an entry known to be unqueued / queued.
    void link_locked(Schedulable& entry, Where where) REQUIRES(m_lock);
    void unlink_locked(Schedulable& entry) REQUIRES(m_lock);

    SpinLock m_lock;
    uint32_t m_bitmap[kWords] GUARDED_BY(m_lock) = {};
    uint32_t m_words GUARDED_BY(m_lock) = 0;  // bit w set exactly when m_bitmap[w] != 0
    Schedulable* m_heads[kPriorities] GUARDED_BY(m_lock) = {};
    size_t m_count GUARDED_BY(m_lock) = 0;
};

constexpr size_t RunQueue::summary_offset() { return offsetof(RunQueue, m_words); }

static_assert(sizeof(unsigned) * 8 == 32, "__builtin_clz counts in 32-bit words");

}  // namespace thread
