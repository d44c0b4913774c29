// run_queue_test.cc: one CPU's run queue (kernel/thread/run_queue.h).
//
// Single-threaded tests hold the queue's lock the way the owning CPU would
// for the whole test; the last test has four host threads wake entries on one
// queue while its owner picks them, as remote CPUs would.
#include <catch2/catch.hpp>

#include <atomic>
#include <deque>
#include <random>
#include <thread>
#include <vector>

#include "thread/run_queue.h"

using thread::RunQueue;
using thread::Schedulable;
using Where = RunQueue::Where;

namespace {

// Entries live in one array, so an entry's index names it in expectations.
struct Entries {
    explicit Entries(size_t n) : list(n) {}
    Schedulable& operator[](size_t i) { return list[i]; }
    int index_of(const Schedulable* entry) const { return entry == nullptr ? -1 : int(entry - list.data()); }
    std::vector<Schedulable> list;
};

// Picks until the queue is empty; the indices in the order they came out.
std::vector<int> drain(RunQueue& rq, const Entries& entries) REQUIRES(rq.lock()) {
    std::vector<int> order;
    while (Schedulable* next = rq.pick_highest_locked()) order.push_back(entries.index_of(next));
    CHECK(rq.count_locked() == 0);
    CHECK(rq.check_locked());
    return order;
}

void set_priorities(RunQueue& rq, Entries& entries, std::initializer_list<uint8_t> priorities)
    REQUIRES(rq.lock()) {
    size_t i = 0;
    for (uint8_t priority : priorities) rq.set_priority_locked(entries[i++], priority);
}

}  // namespace

TEST_CASE("run queue: empty means idle", "[runqueue]") {
    RunQueue rq;
    SpinLockGuard guard(rq.lock());  // the owning CPU, for the whole test
    CHECK(rq.highest_locked() == nullptr);
    CHECK(rq.pick_highest_locked() == nullptr);
    CHECK(rq.count_locked() == 0);
    CHECK(rq.check_locked());
}

TEST_CASE("run queue: the highest priority runs first", "[runqueue]") {
    RunQueue rq;
    SpinLockGuard guard(rq.lock());  // the owning CPU, for the whole test
    Entries e(5);
    set_priorities(rq, e, {10, 200, 10, 0, 128});
    for (size_t i = 0; i < 5; i++) REQUIRE(rq.enqueue_locked(e[i]));
    CHECK(rq.count_locked() == 5);
    CHECK(rq.highest_locked() == &e[1]);
    CHECK(rq.count_locked() == 5);  // highest_locked only looks
    CHECK(drain(rq, e) == std::vector<int>{1, 4, 0, 2, 3});
    for (size_t i = 0; i < 5; i++) CHECK_FALSE(e[i].is_queued());
}

TEST_CASE("run queue: round robin within a priority", "[runqueue]") {
    RunQueue rq;
    SpinLockGuard guard(rq.lock());  // the owning CPU, for the whole test
    constexpr int kEntries = 5;
    constexpr int kRounds = 4;
    Entries e(kEntries + 1);
    rq.set_priority_locked(e[kEntries], 3);  // a lower priority never gets a turn
    REQUIRE(rq.enqueue_locked(e[kEntries]));
    for (int i = 0; i < kEntries; i++) REQUIRE(rq.enqueue_locked(e[i]));

    SECTION("rotating the queued head") {
        for (int turn = 0; turn < kEntries * kRounds; turn++) {
            Schedulable* running = rq.highest_locked();
            REQUIRE(e.index_of(running) == turn % kEntries);
            REQUIRE(rq.rotate_locked(*running));
        }
        CHECK(rq.count_locked() == kEntries + 1);
    }
    SECTION("picking and re-enqueueing at the tail when the slice ends") {
        for (int turn = 0; turn < kEntries * kRounds; turn++) {
            Schedulable* running = rq.pick_highest_locked();
            REQUIRE(e.index_of(running) == turn % kEntries);
            while (!rq.tick_locked(*running, 1000)) {
            }
            REQUIRE(rq.enqueue_locked(*running, Where::Tail));
        }
        CHECK(rq.count_locked() == kEntries + 1);
    }
    SECTION("rotating an entry that is not the head") {
        REQUIRE(rq.rotate_locked(e[2]));
        CHECK(drain(rq, e) == std::vector<int>{0, 1, 3, 4, 2, kEntries});
    }
    CHECK(rq.check_locked());
}

TEST_CASE("run queue: head enqueue keeps a preempted thread's turn", "[runqueue]") {
    RunQueue rq;
    SpinLockGuard guard(rq.lock());  // the owning CPU, for the whole test
    Entries e(4);
    REQUIRE(rq.enqueue_locked(e[0], Where::Tail));
    REQUIRE(rq.enqueue_locked(e[1], Where::Tail));
    REQUIRE(rq.enqueue_locked(e[2], Where::Head));
    REQUIRE(rq.enqueue_locked(e[3], Where::Tail));
    CHECK(drain(rq, e) == std::vector<int>{2, 0, 1, 3});

    REQUIRE(rq.enqueue_locked(e[0], Where::Head));  // head of an empty priority
    REQUIRE(rq.enqueue_locked(e[1], Where::Head));
    CHECK(drain(rq, e) == std::vector<int>{1, 0});
}

TEST_CASE("run queue: dequeue from the middle, the head and the tail", "[runqueue]") {
    RunQueue rq;
    SpinLockGuard guard(rq.lock());  // the owning CPU, for the whole test
    Entries e(6);
    for (size_t i = 0; i < 5; i++) REQUIRE(rq.enqueue_locked(e[i]));
    CHECK(rq.dequeue_locked(e[2]));
    CHECK(rq.check_locked());
    CHECK(rq.dequeue_locked(e[0]));
    CHECK(rq.highest_locked() == &e[1]);
    CHECK(rq.dequeue_locked(e[4]));
    CHECK(rq.check_locked());
    CHECK_FALSE(rq.dequeue_locked(e[4]));  // not queued any more
    CHECK_FALSE(rq.dequeue_locked(e[5]));  // never queued
    CHECK(rq.count_locked() == 2);
    REQUIRE(rq.enqueue_locked(e[4]));       // back at the tail
    CHECK(drain(rq, e) == std::vector<int>{1, 3, 4});

    REQUIRE(rq.enqueue_locked(e[5]));
    CHECK(rq.dequeue_locked(e[5]));  // the only one: the priority empties
    CHECK(rq.highest_locked() == nullptr);
    CHECK(rq.check_locked());
}

TEST_CASE("run queue: changing the priority of a queued entry", "[runqueue]") {
    RunQueue rq;
    SpinLockGuard guard(rq.lock());  // the owning CPU, for the whole test
    Entries e(4);
    set_priorities(rq, e, {10, 10, 20, 10});
    for (size_t i = 0; i < 3; i++) REQUIRE(rq.enqueue_locked(e[i]));
    CHECK(rq.highest_locked() == &e[2]);

    rq.set_priority_locked(e[2], 5);  // drops below the others
    CHECK(e[2].priority() == 5);
    CHECK(rq.highest_locked() == &e[0]);
    rq.set_priority_locked(e[0], 10);  // unchanged priority: still to the tail
    CHECK(rq.highest_locked() == &e[1]);
    rq.set_priority_locked(e[3], 255);  // not queued: only the field changes
    CHECK_FALSE(e[3].is_queued());
    CHECK(rq.count_locked() == 3);
    CHECK(rq.check_locked());
    CHECK(drain(rq, e) == std::vector<int>{1, 0, 2});
}

TEST_CASE("run queue: bitmap words at their boundaries", "[runqueue]") {
    RunQueue rq;
    SpinLockGuard guard(rq.lock());  // the owning CPU, for the whole test
    const std::vector<uint8_t> edges = {0, 31, 32, 63, 64, 224, 255};
    Entries e(256);
    for (unsigned p = 0; p < 256; p++) rq.set_priority_locked(e[p], uint8_t(p));

    for (uint8_t p : edges) {  // each alone
        REQUIRE(rq.enqueue_locked(e[p]));
        CHECK(rq.highest_locked() == &e[p]);
        CHECK(rq.check_locked());
        REQUIRE(rq.dequeue_locked(e[p]));
        CHECK(rq.highest_locked() == nullptr);
    }
    for (uint8_t p : edges) {  // rising: each new one is the highest
        REQUIRE(rq.enqueue_locked(e[p]));
        CHECK(rq.highest_locked() == &e[p]);
    }
    for (unsigned asked = 0; asked < 256; asked++)  // the IPC fast path's question: anything above?
        CHECK(rq.ready_above(uint8_t(asked)) == (asked < 255));
    for (size_t i = edges.size(); i-- > 0;) {  // falling: removing the top reveals the next
        CHECK(rq.highest_locked() == &e[edges[i]]);
        REQUIRE(rq.dequeue_locked(e[edges[i]]));
        CHECK(rq.check_locked());
        if (i > 0) {
            CHECK(rq.ready_above(uint8_t(edges[i - 1] - (edges[i - 1] > 0 ? 1 : 0))) == (edges[i - 1] > 0));
            CHECK_FALSE(rq.ready_above(edges[i - 1]));
        }
    }
    CHECK(rq.highest_locked() == nullptr);
    CHECK_FALSE(rq.ready_above(0));

    for (unsigned p = 0; p < 256; p++) REQUIRE(rq.enqueue_locked(e[(p * 37) % 256]));  // all, shuffled
    std::vector<int> expected;
    for (int p = 255; p >= 0; p--) expected.push_back(p);
    CHECK(drain(rq, e) == expected);
}

TEST_CASE("run queue: slice accounting with tick", "[runqueue]") {
    RunQueue rq;
    SpinLockGuard guard(rq.lock());  // the owning CPU, for the whole test
    Schedulable running(100, 1000);
    CHECK(running.timeslice_us() == 1000);
    CHECK(running.remaining_us() == 1000);
    CHECK_FALSE(rq.tick_locked(running, 300));
    CHECK(running.remaining_us() == 700);
    CHECK_FALSE(rq.tick_locked(running, 699));
    CHECK(running.remaining_us() == 1);
    CHECK(rq.tick_locked(running, 1));  // used up exactly: expired and refilled
    CHECK(running.remaining_us() == 1000);
    CHECK(rq.tick_locked(running, 5000));  // overdrawn: the excess is forgiven
    CHECK(running.remaining_us() == 1000);
    running.set_timeslice(50);
    CHECK(running.remaining_us() == 50);
    CHECK(rq.tick_locked(running, 50));
    CHECK(running.remaining_us() == 50);

    Schedulable defaults;
    CHECK(defaults.priority() == thread::kDefaultPriority);
    CHECK(defaults.timeslice_us() == thread::kDefaultTimesliceUs);
}

TEST_CASE("run queue: a queued entry cannot be enqueued again", "[runqueue]") {
    RunQueue rq;
    SpinLockGuard guard(rq.lock());  // the owning CPU, for the whole test
    Entries e(2);
    REQUIRE(rq.enqueue_locked(e[0]));
    REQUIRE(rq.enqueue_locked(e[1]));
    CHECK_FALSE(rq.enqueue_locked(e[0], Where::Tail));
    CHECK_FALSE(rq.enqueue_locked(e[0], Where::Head));
    CHECK(rq.count_locked() == 2);
    CHECK(rq.check_locked());
    CHECK(drain(rq, e) == std::vector<int>{0, 1});  // the order is untouched
    CHECK_FALSE(rq.rotate_locked(e[0]));             // nor can an unqueued one rotate
}

TEST_CASE("run queue: random operations agree with a reference model", "[runqueue]") {
    RunQueue rq;
    SpinLockGuard guard(rq.lock());  // the owning CPU, for the whole test
    constexpr size_t kEntries = 40;
    Entries e(kEntries);
    std::vector<std::deque<int>> model(256);  // per priority, indices from head to tail
    std::mt19937 rng(20240611);
    auto random_priority = [&] {
        static constexpr uint8_t kFew[] = {0, 1, 31, 32, 33, 100, 127, 128, 224, 255};
        return rng() % 2 ? kFew[rng() % 10] : uint8_t(rng() % 256);
    };
    auto model_remove = [&](int i) {
        auto& list = model[e[i].priority()];
        for (auto it = list.begin(); it != list.end(); ++it)
            if (*it == i) {
                list.erase(it);
                return true;
            }
        return false;
    };
    auto model_highest = [&]() -> int {
        for (int p = 255; p >= 0; p--)
            if (!model[p].empty()) return model[p].front();
        return -1;
    };
    for (size_t i = 0; i < kEntries; i++) rq.set_priority_locked(e[i], random_priority());

    size_t model_count = 0;
    for (int step = 0; step < 5000; step++) {
        int i = int(rng() % kEntries);
        bool queued = e[i].is_queued();
        switch (rng() % 6) {
        case 0:
        case 1: {
            Where where = rng() % 2 ? Where::Tail : Where::Head;
            REQUIRE(rq.enqueue_locked(e[i], where) == !queued);
            if (!queued) {
                auto& list = model[e[i].priority()];
                where == Where::Tail ? list.push_back(i) : list.push_front(i);
                model_count++;
            }
            break;
        }
        case 2:
            REQUIRE(rq.dequeue_locked(e[i]) == queued);
            REQUIRE(model_remove(i) == queued);
            if (queued) model_count--;
            break;
        case 3: {
            int expected = model_highest();
            REQUIRE(e.index_of(rq.pick_highest_locked()) == expected);
            if (expected >= 0) {
                model[e[expected].priority()].pop_front();
                model_count--;
            }
            break;
        }
        case 4:
            REQUIRE(rq.rotate_locked(e[i]) == queued);
            if (queued) {
                model_remove(i);
                model[e[i].priority()].push_back(i);
            }
            break;
        case 5: {
            uint8_t priority = random_priority();
            if (queued) model_remove(i);
            rq.set_priority_locked(e[i], priority);
            if (queued) model[priority].push_back(i);
            break;
        }
        }
        REQUIRE(rq.count_locked() == model_count);
        REQUIRE(e.index_of(rq.highest_locked()) == model_highest());
        REQUIRE(rq.check_locked());
        uint8_t asked = random_priority();  // the IPC fast path's question
        int top = model_highest();
        REQUIRE(rq.ready_above(asked) == (top >= 0 && e[top].priority() > asked));
    }

    std::vector<int> expected;
    for (int p = 255; p >= 0; p--) expected.insert(expected.end(), model[p].begin(), model[p].end());
    CHECK(drain(rq, e) == expected);
}

TEST_CASE("run queue: remote wake-ups from 4 CPUs while the owner picks", "[runqueue]") {
    constexpr int kWakers = 4;
    constexpr int kPerWaker = 8;       // entries each waker owns
    constexpr int kWakeups = 2000;     // enqueues each waker makes
    RunQueue rq;
    Entries e(kWakers * kPerWaker);
    std::vector<std::atomic<bool>> asleep(kWakers * kPerWaker);  // the owner handed it back to its waker
    {
        SpinLockGuard guard(rq.lock());
        for (size_t i = 0; i < e.list.size(); i++) rq.set_priority_locked(e[i], uint8_t(i * 8));
    }
    for (auto& flag : asleep) flag = true;
    std::atomic<int> refused{0};

    std::vector<std::thread> wakers;
    for (int w = 0; w < kWakers; w++) {
        wakers.emplace_back([&, w] {
            int done = 0;
            while (done < kWakeups) {
                bool woke_any = false;
                for (int k = 0; k < kPerWaker && done < kWakeups; k++) {
                    int i = w * kPerWaker + k;
                    if (!asleep[i].exchange(false)) continue;
                    if (!rq.enqueue(e[i], (done % 3) ? Where::Tail : Where::Head)) refused++;
                    done++;
                    woke_any = true;
                }
                if (!woke_any) std::this_thread::yield();
            }
        });
    }

    // The owner: pick, "run" it, let it block (hand it back), and sometimes
    // dequeue a queued entry that is not the highest (it blocked remotely).
    int picked = 0;
    int dequeued = 0;
    bool ordered = true;
    while (picked + dequeued < kWakers * kWakeups) {
        SpinLockGuard guard(rq.lock());
        Schedulable* next = rq.pick_highest_locked();
        if (next == nullptr) continue;
        Schedulable* after = rq.highest_locked();
        if (after != nullptr && after->priority() > next->priority()) ordered = false;
        if (after != nullptr && picked % 5 == 0) {
            REQUIRE(rq.dequeue_locked(*after));
            dequeued++;
            asleep[e.index_of(after)] = true;
        }
        picked++;
        asleep[e.index_of(next)] = true;
    }
    for (auto& t : wakers) t.join();

    SpinLockGuard guard(rq.lock());
    CHECK(refused == 0);
    CHECK(ordered);
    CHECK(rq.count_locked() == 0);
    CHECK(rq.check_locked());
    CHECK(dequeued > 0);
}
