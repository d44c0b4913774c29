// space_move_ipc_tests.cc: a thread moved into another space while it serves IPC
// (l4.thread.move_space_under_ipc; the rules of a move: space_move_tests.cc).
//
// The server answers each call with its eight words transformed and its user-defined
// handle; the client (on another CPU if there is one) checks every answer. The main
// thread moves the server each time the client has had one more answer, so calls
// are in flight at the moves: first between A and B, then through fresh spaces
// where it is the only thread, so that each move also destroys the space it leaves.
#include "api/error.h"
#include "api/fpage.h"
#include "api/msg_tag.h"
#include "l4/ipc.h"
#include "l4/kdebug.h"
#include "l4/kip.h"
#include "l4/message.h"
#include "l4/print.h"
#include "l4/space.h"
#include "l4/system.h"
#include "l4/thread.h"
#include "l4/utcb.h"
#include "layout.h"
#include "pager.h"
#include "space_mover.h"
#include "test_case.h"
#include "test_space.h"
#include "threads.h"

namespace l4test {

namespace {

using api::MsgTag;
using l4::mr;
using l4::kdebug::Statistic;

constexpr unsigned kWords = 8;
constexpr uint16_t kCallLabel = 0x4D10, kAnswerLabel = 0x4D11;

ThreadId g_server;
volatile Word g_stop;
volatile Word g_calls, g_good, g_bad_calls, g_first_bad_call, g_first_bad_error;

Word transformed(Word word, unsigned k) { return (word ^ (0x9E3779B9u * (k + 1))) + k; }

void echo_server(Word) {
    l4::utcb().user_defined_handle = kHandle;
    ThreadId from = ThreadId::nil();
    MsgTag tag = l4::receive(ThreadId::any(), &from);
    for (;;) {
        if (l4::ipc_failed(tag) || tag.label() != kCallLabel || tag.untyped() != kWords) {
            tag = l4::receive(ThreadId::any(), &from);
            continue;
        }
        Word words[kWords + 1];
        for (unsigned k = 0; k < kWords; ++k) words[k] = transformed(mr(k + 1), k);
        words[kWords] = l4::user_defined_handle();
        l4::load_message(kAnswerLabel, words, kWords + 1);
        tag = l4::reply_wait(from, &from);
    }
}

void client(Word) {
    Word calls = 0, good = 0, bad = 0;
    for (; !g_stop; ++calls) {
        Word words[kWords];
        for (unsigned k = 0; k < kWords; ++k) words[k] = (calls << 8) + k;
        l4::load_message(kCallLabel, words, kWords);
        MsgTag tag = l4::call(g_server, l4::milliseconds(4000), l4::milliseconds(4000));
        bool right = !l4::ipc_failed(tag) && tag.label() == kAnswerLabel && tag.untyped() == kWords + 1 &&
                     mr(kWords + 1) == kHandle;
        for (unsigned k = 0; right && k < kWords; ++k) right = mr(k + 1) == transformed(words[k], k);
        if (right) {
            ++good;
        } else if (bad++ == 0) {
            g_first_bad_call = calls;
            g_first_bad_error = l4::ipc_failed(tag) ? l4::error_code() : 0;
        }
        g_good = good;
        g_bad_calls = bad;
        g_calls = calls + 1;
    }
    l4::load_empty(kDoneLabel);
    (void)l4::send(main_thread(), l4::milliseconds(5000));
}

/// Waits until the client has had one more answer; fails `t` (and stops the client)
/// if it does not come or any answer so far was wrong.
bool wait_for_answer(TestContext& t, const char* phase, Word moves) {
    Word seen = g_calls;
    if (!progress_within_limit([seen] { return g_calls != seen || g_bad_calls != 0; })) {
        g_stop = 1;
        t.fail("%s, after %u moves: the client's call %u did not come back", phase, moves, seen);
        return false;
    }
    if (g_bad_calls != 0) {
        g_stop = 1;
        t.fail("%s, after %u moves: call %u failed, ErrorCode %x (0: a wrong answer)", phase, moves,
               g_first_bad_call, g_first_bad_error);
        return false;
    }
    return true;
}

/// Moves the server into the space of `into` (named `name`); fails `t` as above.
bool move_server(TestContext& t, ThreadId into, const char* name, Word moves) {
    Word error = 0;
    if (move(g_server, into, &error) != 1) {
        g_stop = 1;
        t.fail("move %u of the server into %s failed, ErrorCode %u", moves, name, error);
        return false;
    }
    if (!check_in_space(t, g_server, into, name, moves)) {
        g_stop = 1;
        return false;
    }
    return true;
}

}  // namespace

void test_space_move_under_ipc(TestContext& t) {
    constexpr Word kMoves = 100;  // between A and B
    constexpr Word kHops = 15;    // through fresh spaces (fewer than the pager's kFaultLoopLimit)
    Word here = l4::processor_no(), cpus = l4::processor_count();
    Word client_cpu = (here + 1) % cpus, server_cpu = cpus >= 3 ? (here + 2) % cpus : here;
    TestSpace a, b;
    CHECK(t, a.create(idle, 0), "create space A: %s", a.error());
    CHECK(t, create_space_on(b, cpu_of_other_node(), idle), "create space B: %s", why_not());
    OwnedThread server;
    CHECK(t, start_mover(server, a.id(), echo_server, 0), "start the server in A: %s", why_not());
    if (server_cpu != here)
        CHECK(t, l4::set_processor(server.id(), server_cpu) != 0, "Schedule of the server failed");
    g_server = server.id();
    g_stop = 0;
    g_calls = 0;
    g_good = 0;
    g_bad_calls = 0;
    reset_retries();
    LocalThread caller;
    CHECK(t, caller.start(client, 0), "start the client: %s", caller.error());
    if (client_cpu != here)
        CHECK(t, l4::set_processor(caller.id(), client_cpu) != 0, "Schedule of the client failed");
    for (Word moves = 1; moves <= kMoves; ++moves) {
        bool to_b = moves % 2 == 1;
        if (!wait_for_answer(t, "A and B", moves - 1) ||
            !move_server(t, to_b ? b.id() : a.id(), to_b ? "B" : "A", moves))
            return;
    }
    // Now in A. Each hop: a fresh configured space (its thread inactive, without
    // UTCB); the old space loses its other thread; the server moves and the old
    // space must go.
    OwnedThread anchors[2];
    for (Word hop = 0; hop < kHops; ++hop) {
        OwnedThread& next = anchors[hop % 2];
        OwnedThread& previous = anchors[(hop + 1) % 2];
        CHECK(t, make_space(next, kChildUtcbArea), "hop %u: %s", hop, why_not());
        if (hop == 0)
            a.destroy();
        else
            previous.reset();
        unsigned spaces = statistic(Statistic::Spaces);
        if (!wait_for_answer(t, "fresh spaces", hop) || !move_server(t, next.id(), "the fresh one", hop + 1))
            return;
        if (statistic(Statistic::Spaces) != spaces - 1) {
            g_stop = 1;
            t.fail("hop %u: the server left its space as its last thread, but %u spaces before, %u after", hop,
                   spaces, statistic(Statistic::Spaces));
            return;
        }
    }
    if (!wait_for_answer(t, "fresh spaces", kHops)) return;
    g_stop = 1;
    MsgTag tag = l4::receive(caller.id(), nullptr, l4::milliseconds(20000));
    CHECK(t, !l4::ipc_failed(tag) && tag.label() == kDoneLabel, "the client did not finish, ErrorCode %x",
          l4::error_code());
    CHECK(t, g_bad_calls == 0 && g_good == g_calls,
          "%u of %u calls answered right; the first bad one, call %u, ErrorCode %x (0: a wrong answer)", g_good,
          g_calls, g_first_bad_call, g_first_bad_error);
    t.note("l4.thread.move_space_under_ipc: %u calls from CPU %u to a server on CPU %u moved %u times, %u "
           "InvalidThread retries",
           unsigned(g_calls), unsigned(client_cpu), unsigned(server_cpu), unsigned(kMoves + kHops),
           unsigned(retries()));
}

}  // namespace l4test
