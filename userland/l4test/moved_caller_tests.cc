// moved_caller_tests.cc: a caller moved to another CPU while its Call is on the way.
//
// A Call is one system call: once the receiver has the message, the caller waits for
// the answer, so a server may answer with a zero send timeout (ReplyWait, and every
// pager answering a page fault: it must not block on a client that left). Across CPUs
// the caller's CPU learns that its message was taken from a SendDone request in its
// inbox (kernel/ipc/remote.cc), and only then starts the receive phase. If the caller
// is moved to another CPU before that request is handled, the request follows it
// there, behind the move: the server's answer, sent at once, must still find the
// caller receiving, or the zero timeout drops it and the caller waits for ever. (The
// NUMA OS moves threads to other nodes while they fault, Lab 7: a thread lost that way
// never ran again, ostest mode=threads.)
//
//   l4.ipc.reply_to_moved_caller  a caller calls a server on another CPU without
//                                 pause; the main thread moves it round every CPU (the
//                                 server's among them) 600 times, each time it has had
//                                 one more answer, so a move meets a Call in flight;
//                                 the server answers with a zero send timeout, and
//                                 every answer must arrive. (Before the kernel kept
//                                 such a caller until its SendDone, about one move in
//                                 150 lost an answer here under TCG.)
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

constexpr Word kMoves = 600;
constexpr uint16_t kCallLabel = 0x5170, kDoneLabel = 0x5171;

ThreadId g_server;
volatile Word g_calls;           // calls the caller has made so far
volatile Word g_stop;            // the caller stops calling when this is set
volatile Word g_lost_replies;    // the server's answers that found no caller receiving
volatile Word g_reply_error;     // ... the first one's ErrorCode
Word g_good, g_first_bad, g_bad_error;

/// Answers every call with word + 1, with a zero send timeout; counts the answers
/// that fail.
void zero_timeout_server(Word) {
    for (;;) {
        ThreadId from = ThreadId::nil();
        MsgTag tag = l4::receive(ThreadId::any(), &from);
        if (l4::ipc_failed(tag) || tag.label() != kCallLabel) continue;
        l4::load_words(kCallLabel, {mr(1) + 1});
        if (!l4::ipc_failed(l4::send(from, api::Time::zero()))) continue;
        if (g_lost_replies == 0) g_reply_error = l4::error_code();
        g_lost_replies = g_lost_replies + 1;
    }
}

/// Calls the server until g_stop; a lost answer ends its call at the receive timeout.
void caller(Word) {
    Word good = 0;
    g_first_bad = ~Word{0};
    for (Word i = 0; g_stop == 0; ++i) {
        l4::load_words(kCallLabel, {i});
        MsgTag tag = l4::call(g_server, l4::milliseconds(5000), l4::milliseconds(5000));
        if (!l4::ipc_failed(tag) && mr(1) == i + 1) {
            ++good;
        } else if (g_first_bad == ~Word{0}) {
            g_first_bad = i;
            g_bad_error = l4::ipc_failed(tag) ? l4::error_code() : 0;
        }
        g_calls = i + 1;
    }
    g_good = good;
    l4::load_words(kDoneLabel, {good});
    (void)l4::send(main_thread());
}

}  // namespace

void test_ipc_reply_to_moved_caller(TestContext& t) {
    Word cpus = l4::processor_count();
    if (cpus < 2) {
        t.note("l4.ipc.reply_to_moved_caller: one CPU, no call crosses processors; passing");
        return;
    }
    g_calls = 0;
    g_stop = 0;
    g_lost_replies = 0;
    g_reply_error = 0;
    g_good = 0;
    LocalThread server, client;
    CHECK(t, server.start(zero_timeout_server, 0), "start: %s", server.error());
    CHECK(t, l4::set_processor(server.id(), 1) != 0, "Schedule of the server failed, ErrorCode %u", l4::error_code());
    g_server = server.id();
    CHECK(t, client.start(caller, 0), "start: %s", client.error());
    constexpr uint64_t kLimitUs = 60'000'000;  // far beyond a healthy run (seconds under TCG)
    uint64_t started = l4::system_clock();
    Word seen = 0, moves = 0, target = 2 % cpus;
    for (;;) {
        if (moves == kMoves) g_stop = 1;
        MsgTag tag = l4::receive(client.id(), nullptr, api::Time::zero());
        if (!l4::ipc_failed(tag) && tag.label() == kDoneLabel) break;
        if (l4::system_clock() - started >= kLimitUs) {
            (void)l4::kdebug::describe_thread(unsigned(client.id().number()));
            t.fail("the caller made %u calls and was moved %u times in %u s, then stopped (%u answers lost; the "
                   "kernel's view of it is in the log)", g_calls, moves, unsigned(kLimitUs / 1'000'000),
                   g_lost_replies);
            return;
        }
        if (g_calls == seen || moves == kMoves) {
            l4::thread_switch(ThreadId::nil());
            continue;
        }
        seen = g_calls;
        // One move in each round takes the caller to the server's CPU (1): the answer
        // is then sent on the CPU the caller has just come to.
        CHECK(t, l4::set_processor(client.id(), target) != 0, "Schedule to CPU %u failed, ErrorCode %u", target,
              l4::error_code());
        ++moves;
        target = (target + 1) % cpus;
    }
    CHECK(t, g_lost_replies == 0,
          "%u of the server's answers (zero send timeout) found the caller not receiving (the first: ErrorCode "
          "%x): a caller moved while its Call was on the way lost its answer (%u moves)",
          g_lost_replies, g_reply_error, moves);
    CHECK(t, g_good == g_calls, "%u of %u calls answered right (the first bad: call %u, ErrorCode %x), %u moves",
          g_good, g_calls, g_first_bad, g_bad_error, moves);
    t.note("l4.ipc.reply_to_moved_caller: %u calls, the caller moved %u times", unsigned(g_calls), unsigned(moves));
}

}  // namespace l4test
