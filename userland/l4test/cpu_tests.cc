// cpu_tests.cc: IPC across processors, and a thread moved between processors while it
// serves requests. Schedule's processor control (as the thread's scheduler, the main
// thread may use it) places threads; the KIP's ProcessorInfo says how many CPUs there
// are. On one CPU there is nothing to cross: the tests say so and pass.
#include "api/msg_tag.h"
#include "l4/ipc.h"
#include "l4/kip.h"
#include "l4/message.h"
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
    Word cpus = l4::processor_count();
    if (cpus < 2) {
        t.note("l4.ipc.cross_cpu: one CPU, no IPC can cross processors; passing");
        return;
    }
    Word here = l4::processor_no();
    Word there = (here + 1) % cpus;
    LocalThread server;
    CHECK(t, server.start(cpu_echo_server, 0), "start: %s", server.error());
    CHECK(t, l4::set_processor(server.id(), there) != 0, "Schedule to CPU %u failed, ErrorCode %u", there,
          l4::error_code());
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
