// sched_tests.cc: priorities and ThreadSwitch on one CPU, and the system clock.
//
// Priority: a spinning thread of lower priority on the main thread's CPU must not run
// while the main thread is runnable; ThreadSwitch donates the main thread's time to it,
// and it runs whenever the main thread blocks.
#include "l4/ipc.h"
#include "l4/kip.h"
#include "l4/message.h"
#include "l4/system.h"
#include "l4/thread.h"
#include "test_case.h"
#include "threads.h"

namespace l4test {

namespace {

volatile Word g_spins;

void spinner(Word) {
    for (;;) g_spins = g_spins + 1;
}

void busy_wait(uint64_t microseconds) {
    uint64_t end = l4::system_clock() + microseconds;
    while (l4::system_clock() < end) {
    }
}

}  // namespace

void test_sched_priority(TestContext& t) {
    constexpr Word kLowPriority = 1;
    LocalThread low;
    g_spins = 0;
    CHECK(t, low.start(spinner, 0), "start: %s", low.error());
    CHECK(t, l4::schedule(low.id(), l4::kNoChange, l4::processor_no(), kLowPriority, l4::kNoChange) != 0,
          "Schedule (CPU %u, priority %u) failed, ErrorCode %u", l4::processor_no(), kLowPriority, l4::error_code());
    (void)l4::sleep(l4::milliseconds(2));  // let the move and the new priority settle

    Word before = g_spins;
    busy_wait(30000);
    Word after_busy = g_spins;
    CHECK(t, after_busy == before, "a priority-%u thread ran %u times while the main thread was runnable",
          kLowPriority, after_busy - before);

    l4::thread_switch(low.id());
    Word after_switch = g_spins;
    CHECK(t, after_switch != after_busy, "ThreadSwitch to the low-priority thread did not let it run");

    (void)l4::sleep(l4::milliseconds(10));
    Word after_sleep = g_spins;
    CHECK(t, after_sleep != after_switch, "the low-priority thread did not run while the main thread slept");
}

void test_sched_clock(TestContext& t) {
    uint64_t first = l4::system_clock();
    CHECK(t, first != 0, "SystemClock returned 0");
    uint64_t last = first;
    for (int i = 0; i < 1000; ++i) {
        uint64_t now = l4::system_clock();
        CHECK(t, now >= last, "SystemClock went back from %u to %u", static_cast<unsigned>(last),
              static_cast<unsigned>(now));
        last = now;
    }
    (void)l4::sleep(l4::milliseconds(10));
    uint64_t precision = l4::kip().clock_info.schedule_precision();
    uint64_t slept = l4::system_clock() - first;
    CHECK(t, slept + precision >= 10000, "a 10 ms sleep advanced SystemClock by %u us", static_cast<unsigned>(slept));
    CHECK(t, slept < 5000000, "a 10 ms sleep advanced SystemClock by %u us", static_cast<unsigned>(slept));
}

}  // namespace l4test
