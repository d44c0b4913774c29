// run_queue.cc: the run queue's lists and bitmap (see run_queue.h for the
// picture, the scheduling rules and the locking).
#include "thread/run_queue.h"

namespace thread {

bool RunQueue::enqueue_locked(Schedulable& entry, Where where) {
    if (entry.m_queued) return false;
    link_locked(entry, where);
    return true;
}

void RunQueue::link_locked(Schedulable& entry, Where where) {
    unsigned priority = entry.m_priority;
    Schedulable*& head = m_heads[priority];
    if (head == nullptr) {
        // The first of its priority: a list of one, and the bit goes on.
        entry.m_prev = entry.m_next = &entry;
        head = &entry;
        m_bitmap[word_of(priority)] |= bit_of(priority);
        m_words |= uint32_t(1) << word_of(priority);
    } else {
        // Insert between the tail (head->prev) and the head. In a circle,
        // "after the tail" and "before the head" are the same place; which
        // of the two it is depends only on where the head pointer ends up.
        Schedulable* tail = head->m_prev;
        entry.m_prev = tail;
        entry.m_next = head;
        tail->m_next = &entry;
        head->m_prev = &entry;
        if (where == Where::Head) head = &entry;
    }
    entry.m_queued = true;
    m_count++;
}

bool RunQueue::enqueue(Schedulable& entry, Where where) {
    IrqSpinLockGuard guard(m_lock);
    return enqueue_locked(entry, where);
}

bool RunQueue::dequeue_locked(Schedulable& entry) {
    if (!entry.m_queued) return false;
    unlink_locked(entry);
    return true;
}

void RunQueue::unlink_locked(Schedulable& entry) {
    unsigned priority = entry.m_priority;
    Schedulable*& head = m_heads[priority];
    if (entry.m_next == &entry) {
        // The last of its priority: the list and the bit go.
        head = nullptr;
        m_bitmap[word_of(priority)] &= ~bit_of(priority);
        if (m_bitmap[word_of(priority)] == 0) m_words &= ~(uint32_t(1) << word_of(priority));
    } else {
        entry.m_prev->m_next = entry.m_next;
        entry.m_next->m_prev = entry.m_prev;
        if (head == &entry) head = entry.m_next;
    }
    entry.m_prev = entry.m_next = nullptr;
    entry.m_queued = false;
    m_count--;
}

Schedulable* RunQueue::highest_locked() const {
    // The highest non-zero word is the highest set bit of m_words, and in it
    // the highest priority is bit 31 - (leading zeros): two bit scans, no loop
    // over the words. __builtin_clz(0) is undefined, hence the test.
    if (m_words == 0) return nullptr;
    unsigned word = kBitsPerWord - 1 - unsigned(__builtin_clz(m_words));
    unsigned priority = word * kBitsPerWord + (kBitsPerWord - 1 - unsigned(__builtin_clz(m_bitmap[word])));
    return m_heads[priority];
}

bool RunQueue::ready_above(uint8_t priority) const {
    // Nothing queued at all (the common case when threads talk by IPC); else a
    // non-empty word above the word of `priority`; else, in that word, a bit above its own.
    uint32_t words = __atomic_load_n(&m_words, __ATOMIC_RELAXED);
    if (words == 0) return false;
    unsigned word = word_of(priority);
    if (words & ~((uint32_t(2) << word) - 1)) return true;
    uint32_t bits_above = ~(bit_of(priority) | (bit_of(priority) - 1));
    return (__atomic_load_n(&m_bitmap[word], __ATOMIC_RELAXED) & bits_above) != 0;
}

Schedulable* RunQueue::pick_highest_locked() {
    Schedulable* next = highest_locked();
    if (next != nullptr) unlink_locked(*next);
    return next;
}

bool RunQueue::rotate_locked(Schedulable& entry) {
    if (!entry.m_queued) return false;
    Schedulable*& head = m_heads[entry.m_priority];
    if (head == &entry) {
        head = entry.m_next;  // the old head is now the tail: no links change
    } else {
        unlink_locked(entry);
        link_locked(entry, Where::Tail);
    }
    return true;
}

void RunQueue::set_priority_locked(Schedulable& entry, uint8_t priority) {
    if (!entry.m_queued) {
        entry.m_priority = priority;
        return;
    }
    unlink_locked(entry);
    entry.m_priority = priority;
    link_locked(entry, Where::Tail);
}

bool RunQueue::tick_locked(Schedulable& running, uint32_t elapsed_us) {
    if (elapsed_us < running.m_remaining_us) {
        running.m_remaining_us -= elapsed_us;
        return false;
    }
    running.m_remaining_us = running.m_timeslice_us;
    return true;
}

bool RunQueue::check_locked() const {
    size_t seen = 0;
    for (unsigned word = 0; word < kWords; word++)
        if (((m_words >> word) & 1) != (m_bitmap[word] != 0)) return false;
    for (unsigned priority = 0; priority < kPriorities; priority++) {
        const Schedulable* head = m_heads[priority];
        bool bit = (m_bitmap[word_of(priority)] & bit_of(priority)) != 0;
        if (bit != (head != nullptr)) return false;
        if (head == nullptr) continue;
        const Schedulable* entry = head;
        do {
            if (!entry->m_queued || entry->m_priority != priority) return false;
            if (entry->m_next->m_prev != entry) return false;
            if (++seen > m_count) return false;  // also stops a circle that misses the head
            entry = entry->m_next;
        } while (entry != head);
    }
    return seen == m_count;
}

}  // namespace thread
