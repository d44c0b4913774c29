// kdebug_tests.cc: the kernel debugger's description of a thread (kdebug op 0x54,
// l4::kdebug::describe_thread), which a test that waits for a thread in vain prints to
// say where that thread is (ostest's thread modes do).
//
//   l4.kdebug.describe_thread  a thread blocked in a receive with a timeout and the
//                              test's own thread are described (the call answers 0;
//                              the grader's log shows the lines); a number no thread
//                              has and one beyond the TCB array are refused (~0)
#include "l4/ipc.h"
#include "l4/kdebug.h"
#include "l4/message.h"
#include "l4/thread.h"
#include "test_case.h"
#include "threads.h"

namespace l4test {

namespace {

volatile bool g_waiting;

/// Waits 10 s for a message nobody sends, then ends.
void sleeper(Word) {
    g_waiting = true;
    (void)l4::receive(main_thread(), nullptr, l4::milliseconds(10000));
}

}  // namespace

void test_kdebug_describe_thread(TestContext& t) {
    LocalThread sleeping;
    g_waiting = false;
    CHECK(t, sleeping.start(sleeper, 0), "start: %s", sleeping.error());
    for (unsigned ms = 0; ms < 2000 && !g_waiting; ++ms) l4::sleep(l4::milliseconds(1));
    CHECK(t, g_waiting, "the thread to describe did not start");
    l4::sleep(l4::milliseconds(10));  // into its receive
    CHECK(t, l4::kdebug::describe_thread(unsigned(sleeping.id().number())),
          "describe_thread refused thread %x, which exists", sleeping.id().raw());
    CHECK(t, l4::kdebug::describe_thread(unsigned(l4::my_global_id().number())),
          "describe_thread refused the calling thread");
    sleeping.stop();
    CHECK(t, !l4::kdebug::describe_thread(unsigned(sleeping.id().number())),
          "describe_thread described thread number %u after its deletion", unsigned(sleeping.id().number()));
    CHECK(t, !l4::kdebug::describe_thread(0xFFFFF), "describe_thread accepted a number beyond the TCB array");
}

}  // namespace l4test
