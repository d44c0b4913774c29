// cpu_tests.cc: IPC across processors, and a thread moved between processors while it
// serves requests. Schedule's processor control (as the thread's scheduler, the main
// thread may use it) places threads; the KIP's ProcessorInfo says how many CPUs there
// are. On one CPU there is nothing to cross: the tests say so and pass. (Lab 3's test,
// a server moved while clients call it, is in tcb_migrate_tests.cc.)
#include "api/error.h"
#include "api/msg_tag.h"
#include "l4/ipc.h"
#include "l4/kdebug.h"
#include "l4/kip.h"
#include "l4/message.h"
#include "l4/system.h"
#include "l4/thread.h"
#include "test_case.h"
#include "threads.h"

namespace l4test {

namespace {

using api::MsgTag;
using l4::mr;

/// Answers every request with (word + 1, the CPU it runs on), for ever.
void cpu_echo_server(Word) {
    ThreadId from = ThreadId::nil();
    MsgTag tag = l4::receive(ThreadId::any(), &from);
    for (;;) {
        if (l4::ipc_failed(tag)) {
            tag = l4::receive(ThreadId::any(), &from);
            continue;
        }
        l4::load_words(0x5150, {mr(1) + 1, l4::processor_no()});
        tag = l4::reply_wait(from, &from);
    }
}

/// The CPU after the caller's, in `there`, for a test that needs a second one. On
/// a machine with one CPU: a note that `test` passes (`why`: nothing to cross) and
/// false.
bool next_cpu(TestContext& t, const char* test, const char* why, Word* there) {
    Word cpus = l4::processor_count();
    if (cpus < 2) {
        t.note("%s: one CPU, %s; passing", test, why);
        return false;
    }
    *there = (l4::processor_no() + 1) % cpus;
    return true;
}

/// Starts `thread` with `function` and places it on CPU `cpu` (Schedule's processor
/// control, as the thread's scheduler). False once the failure is reported.
bool start_on_cpu(TestContext& t, LocalThread& thread, ThreadFunction function, Word cpu) {
    if (!thread.start(function, 0)) {
        t.fail("start: %s", thread.error());
        return false;
    }
    if (l4::set_processor(thread.id(), cpu) == 0) {
        t.fail("Schedule to CPU %u failed, ErrorCode %u", cpu, l4::error_code());
        return false;
    }
    return true;
}

ThreadId g_migrating_server;

/// Calls the server `count` times; reports (calls answered right, CPUs seen as a mask).
void migrate_client(Word count) {
    Word good = 0, seen = 0;
    for (Word i = 0; i < count; ++i) {
        l4::load_words(0x5100, {i});
        MsgTag tag = l4::call(g_migrating_server, l4::milliseconds(2000), l4::milliseconds(2000));
        if (l4::ipc_failed(tag) || mr(1) != i + 1) continue;
        ++good;
        if (mr(2) < 32) seen |= Word{1} << mr(2);
    }
    l4::load_words(0x5101, {good, seen});
    (void)l4::send(main_thread());
}

}  // namespace

void test_ipc_cross_cpu(TestContext& t) {
    Word here = l4::processor_no(), there;
    if (!next_cpu(t, "l4.ipc.cross_cpu", "no IPC can cross processors", &there)) return;
    LocalThread server;
    if (!start_on_cpu(t, server, cpu_echo_server, there)) return;
    constexpr Word kRounds = 2000;
    Word crossed = 0;
    for (Word i = 0; i < kRounds; ++i) {
        l4::load_words(0x5100, {i});
        MsgTag tag = l4::call(server.id(), l4::milliseconds(2000), l4::milliseconds(2000));
        CHECK(t, !l4::ipc_failed(tag), "call %u to CPU %u failed, ErrorCode %x", i, there, l4::error_code());
        CHECK(t, mr(1) == i + 1, "call %u: answer %u", i, mr(1));
        CHECK(t, mr(2) == there, "call %u: the server runs on CPU %u, not %u", i, mr(2), there);
        if (tag.has(api::MsgFlag::CrossCpu)) ++crossed;
    }
    CHECK(t, l4::processor_no() == here, "the main thread moved from CPU %u to %u", here, l4::processor_no());
    CHECK(t, crossed == kRounds, "only %u of %u answers from another CPU had the X (cross-CPU) flag", crossed,
          kRounds);
}

// ---- l4.ipc.cross_cpu_timeouts --------------------------------------------------
//
// A Call to a thread on another CPU blocks the caller in its send phase until the
// receiver's CPU has taken the message (ipc/remote.cc); that answer starts the
// caller's receive phase on the caller's CPU, which must then run by the receive
// timeout. Two ways to get it wrong: the receive timeout never armed (a Call the
// server never answers blocks for ever: the grader reports a hang in this test), or
// the send phase's timeout left armed (a short send timeout ends the wait for a
// late reply). The caller's CPU has nothing else to run, so it waits on the caller's
// own stack (thread/scheduler.cc), where the answer from the other CPU arrives.

namespace {

constexpr uint16_t kDropLabel = 0x5160, kLateLabel = 0x5161;

/// Receives for ever: drops kDropLabel's requests; answers kLateLabel's (word + 1)
/// after 100 ms.
void late_server(Word) {
    for (;;) {
        ThreadId from = ThreadId::nil();
        MsgTag tag = l4::receive(ThreadId::any(), &from);
        if (l4::ipc_failed(tag) || tag.label() != kLateLabel) continue;
        Word word = mr(1);
        (void)l4::sleep(l4::milliseconds(100));
        l4::load_words(kLateLabel, {word + 1});
        (void)l4::send(from, l4::milliseconds(2000));
    }
}

}  // namespace

void test_ipc_cross_cpu_timeouts(TestContext& t) {
    Word there;
    if (!next_cpu(t, "l4.ipc.cross_cpu_timeouts", "no IPC can cross processors", &there)) return;
    LocalThread server;
    if (!start_on_cpu(t, server, late_server, there)) return;
    constexpr Word kRounds = 5;
    constexpr Word kReceiveTimeout = api::IpcErrorCode::make(api::IpcPhase::Receive, api::IpcError::Timeout).raw();
    for (Word i = 0; i < kRounds; ++i) {
        l4::load_words(kDropLabel, {i});
        MsgTag tag = l4::call(server.id(), api::Time::never(), l4::milliseconds(20));
        CHECK(t, l4::ipc_failed(tag), "call %u, never answered, succeeded (label %x)", i, tag.label());
        CHECK(t, l4::error_code() == kReceiveTimeout,
              "call %u, never answered, with a 20 ms receive timeout: ErrorCode %x, not %x (receive phase, timeout)",
              i, l4::error_code(), kReceiveTimeout);
    }
    for (Word i = 0; i < kRounds; ++i) {
        l4::load_words(kLateLabel, {i});
        MsgTag tag = l4::call(server.id(), l4::milliseconds(20), l4::milliseconds(5000));
        CHECK(t, !l4::ipc_failed(tag),
              "call %u with a 20 ms send timeout, answered after 100 ms, failed: ErrorCode %x (%x: the send "
              "phase's timeout ended the receive phase)",
              i, l4::error_code(), kReceiveTimeout);
        CHECK(t, mr(1) == i + 1, "call %u: answer %u", i, mr(1));
        CHECK(t, tag.has(api::MsgFlag::CrossCpu), "call %u: the answer has no X (cross-CPU) flag", i);
    }
}

// ---- l4.thread.delete_on_other_cpu ---------------------------------------------
//
// ThreadControl deleting a thread of another CPU returns once the thread is gone:
// its UTCB location takes a new thread at once. The deletion runs on the thread's
// CPU; if that CPU answered before it had freed the thread (a thread it was running,
// or waiting for on its stack: thread/scheduler.cc), the next ThreadControl at that
// location fails with UtcbArea. Three kinds of victim, 100 rounds each: one just
// woken by a call it answered, one blocked in a receive, one computing.

namespace {

volatile Word g_spins;  // the computing victim's progress

/// Computes for ever.
void spinner(Word) {
    for (;;) g_spins = g_spins + 1;
}

/// Sleeps for ever.
void forever_asleep(Word) {
    for (;;) (void)l4::sleep(api::Time::never());
}

}  // namespace

void test_thread_delete_on_other_cpu(TestContext& t) {
    Word there;
    if (!next_cpu(t, "l4.thread.delete_on_other_cpu", "no thread of another CPU to delete", &there)) return;
    constexpr Word kRounds = 100;
    static constexpr const char* kKinds[] = {"just woken", "blocked in a receive", "computing"};
    for (unsigned kind = 0; kind < 3; ++kind) {
        for (Word i = 0; i < kRounds; ++i) {
            LocalThread victim;
            ThreadFunction function = kind == 0 ? cpu_echo_server : kind == 1 ? forever_asleep : spinner;
            if (!start_on_cpu(t, victim, function, there)) {
                t.note("(the victim %s, round %u)", kKinds[kind], i);
                return;
            }
            if (kind == 0) {
                l4::load_words(0x5100, {i});
                MsgTag tag = l4::call(victim.id(), l4::milliseconds(2000), l4::milliseconds(2000));
                CHECK(t, !l4::ipc_failed(tag) && mr(1) == i + 1, "round %u: the call failed, ErrorCode %x", i,
                      l4::error_code());
            } else if (kind == 2) {
                Word seen = g_spins;
                uint64_t start = l4::system_clock();
                while (g_spins == seen) {
                    CHECK(t, l4::system_clock() - start < 20'000'000, "round %u: the spinner never ran", i);
                    l4::thread_switch(ThreadId::nil());
                }
            }
            victim.stop();
            LocalThread next;
            CHECK(t, next.start(forever_asleep, 0),
                  "%s, round %u: a thread at the UTCB location of the thread just deleted on CPU %u: %s "
                  "(ThreadControl returned before the thread was gone)",
                  kKinds[kind], i, there, next.error());
        }
    }
}

void test_sched_migrate(TestContext& t) {
    Word cpus = l4::processor_count();
    if (cpus < 2) {
        t.note("l4.sched.migrate: one CPU, nowhere to migrate to; passing");
        return;
    }
    constexpr Word kCalls = 3000;
    LocalThread server, client;
    CHECK(t, server.start(cpu_echo_server, 0), "start: %s", server.error());
    g_migrating_server = server.id();
    CHECK(t, client.start(migrate_client, kCalls), "start: %s", client.error());
    Word moves = 0;
    // Start with another CPU than the one the server is on, so every move moves it.
    for (Word target = 1 % cpus;; target = (target + 1) % cpus) {
        MsgTag tag = l4::receive(client.id(), nullptr, l4::milliseconds(3));
        if (!l4::ipc_failed(tag)) break;
        CHECK(t, moves < 20000, "the client did not finish %u calls", kCalls);
        CHECK(t, l4::set_processor(server.id(), target) != 0, "Schedule to CPU %u failed, ErrorCode %u", target,
              l4::error_code());
        ++moves;
    }
    Word good = mr(1), seen = mr(2);
    CHECK(t, good == kCalls, "%u of %u calls answered right while the server moved %u times", good, kCalls, moves);
    unsigned cpus_seen = 0;
    for (Word bits = seen; bits != 0; bits &= bits - 1) ++cpus_seen;
    CHECK(t, moves < 2 || cpus_seen >= 2, "moved %u times, but the server always answered from CPU mask %x", moves,
          seen);
}

}  // namespace l4test
