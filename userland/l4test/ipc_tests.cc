// ipc_tests.cc: IPC between threads of the root task: one message each way, Call and
// ReplyWait round trips, open wait (any, anylocal), all 64 message registers.
//
// Every partner is a LocalThread (threads.h); what a thread saw comes back to the main
// thread in a message, so the main thread does all the checking.
#include "api/msg_tag.h"
#include "l4/ipc.h"
#include "l4/message.h"
#include "test_case.h"
#include "threads.h"

namespace l4test {

namespace {

using api::MsgTag;
using l4::mr;

constexpr Word kSecond = 1000;

void echo_once(Word) {
    ThreadId from = ThreadId::nil();
    MsgTag tag = l4::receive(main_thread(), &from);
    Word words[6] = {tag.raw(), mr(1), mr(2), mr(3), mr(1) + mr(2) + mr(3), from.raw()};
    l4::load_message(0x2222, words, 6);
    (void)l4::send(main_thread());
}

void add_one_server(Word count) {
    ThreadId from = ThreadId::nil();
    MsgTag tag = l4::receive(ThreadId::any(), &from);
    for (Word i = 0; i < count; ++i) {
        Word value = l4::ipc_failed(tag) ? 0 : mr(1) + 1;
        l4::load_words(0x3333, {value, from.raw()});
        if (i + 1 == count)
            (void)l4::send(from, l4::milliseconds(kSecond));
        else
            tag = l4::reply_wait(from, &from);
    }
}

// open_wait: what the server saw, request by request.
ThreadId g_seen_from[8];
Word g_seen_word[8];

void recording_server(Word from_specifier) {
    ThreadId from = ThreadId::nil();
    MsgTag tag = l4::receive(ThreadId::from_raw(from_specifier), &from);
    for (unsigned i = 0; i < 8; ++i) {
        g_seen_from[i] = l4::ipc_failed(tag) ? ThreadId::nil() : from;
        g_seen_word[i] = mr(1);
        l4::load_words(0x3334, {mr(1)});
        tag = l4::ipc(from, ThreadId::from_raw(from_specifier), l4::Timeouts::make(l4::Time::zero(), l4::Time::never()),
                      &from);
    }
}

ThreadId g_server;

void client_twice(Word word) {
    Word good = 0;
    for (int i = 0; i < 2; ++i) {
        l4::load_words(0x3000, {word});
        MsgTag tag = l4::call(g_server, l4::milliseconds(kSecond), l4::milliseconds(kSecond));
        if (!l4::ipc_failed(tag) && mr(1) == word) ++good;
    }
    l4::load_words(0x3001, {good});
    (void)l4::send(main_thread());
}

void complement_all(Word) {
    MsgTag tag = l4::receive(main_thread());
    unsigned count = tag.untyped();
    for (unsigned i = 1; i <= count; ++i) l4::set_mr(i, ~mr(i));
    l4::set_mr(0, MsgTag::make(0x4444, count, 0).raw());
    (void)l4::send(main_thread());
}

/// Round trips through Lipc, which names both ends by local id.
void lipc_round_trips(TestContext& t, LocalThread& server, Word rounds) {
    for (Word i = 0; i < rounds; ++i) {
        l4::load_words(0x3000, {i});
        MsgTag tag = l4::lipc(server.local_id(), server.local_id(),
                              l4::Timeouts::make(l4::milliseconds(kSecond), l4::milliseconds(kSecond)), nullptr);
        CHECK(t, !l4::ipc_failed(tag), "Lipc %u failed, ErrorCode %x", i, l4::error_code());
        CHECK(t, mr(1) == i + 1, "Lipc %u: value %u", i, mr(1));
    }
}

}  // namespace

void test_ipc_send_receive(TestContext& t) {
    LocalThread echo;
    CHECK(t, echo.start(echo_once, 0), "start: %s", echo.error());
    l4::load_words(0x1111, {10, 20, 30});
    MsgTag sent = l4::send(echo.id(), l4::milliseconds(kSecond));
    CHECK(t, !l4::ipc_failed(sent), "send failed, ErrorCode %x", l4::error_code());
    ThreadId from = ThreadId::nil();
    MsgTag tag = l4::receive(echo.id(), &from, l4::milliseconds(kSecond));
    CHECK(t, !l4::ipc_failed(tag), "receive failed, ErrorCode %x", l4::error_code());
    CHECK(t, from == echo.id(), "reply came from %x, not %x", from.raw(), echo.id().raw());
    CHECK(t, tag.label() == 0x2222 && tag.untyped() == 6, "reply tag %x", tag.raw());
    MsgTag seen = MsgTag::from_raw(mr(1)).without_flags();
    CHECK(t, seen == MsgTag::make(0x1111, 3, 0), "the thread received tag %x", mr(1));
    CHECK(t, mr(2) == 10 && mr(3) == 20 && mr(4) == 30, "the thread received %u %u %u", mr(2), mr(3), mr(4));
    CHECK(t, mr(5) == 60, "sum %u", mr(5));
    CHECK(t, mr(6) == main_thread().raw(), "the thread saw sender %x, not %x", mr(6), main_thread().raw());
}

void test_ipc_call_reply(TestContext& t) {
    constexpr Word kRounds = 200;
    constexpr Word kLocalRounds = 20;
    LocalThread server;
    CHECK(t, server.start(add_one_server, kRounds + kLocalRounds), "start: %s", server.error());
    for (Word i = 0; i < kRounds; ++i) {
        l4::load_words(0x3000, {i * 7});
        MsgTag tag = l4::call(server.id(), l4::milliseconds(kSecond), l4::milliseconds(kSecond));
        CHECK(t, !l4::ipc_failed(tag), "call %u failed, ErrorCode %x", i, l4::error_code());
        CHECK(t, tag.label() == 0x3333 && mr(1) == i * 7 + 1, "call %u: label %x value %u", i, tag.label(), mr(1));
        CHECK(t, mr(2) == main_thread().raw(), "call %u: server saw sender %x", i, mr(2));
    }
    lipc_round_trips(t, server, kLocalRounds);
}

void test_ipc_open_wait(TestContext& t) {
    // Two clients call a server that waits for anybody (any).
    {
        LocalThread server, first, second;
        CHECK(t, server.start(recording_server, ThreadId::any().raw()), "start: %s", server.error());
        g_server = server.id();
        CHECK(t, first.start(client_twice, 1), "start: %s", first.error());
        CHECK(t, second.start(client_twice, 2), "start: %s", second.error());
        LocalThread* clients[] = {&first, &second};
        for (LocalThread* client : clients) {
            MsgTag tag = l4::receive(client->id(), nullptr, l4::milliseconds(5 * kSecond));
            CHECK(t, !l4::ipc_failed(tag), "no report from client %x, ErrorCode %x", client->id().raw(),
                  l4::error_code());
            CHECK(t, mr(1) == 2, "client %x got %u of 2 answers", client->id().raw(), mr(1));
        }
        for (unsigned i = 0; i < 4; ++i) {
            ThreadId expected = g_seen_word[i] == 1 ? first.id() : second.id();
            CHECK(t, g_seen_from[i] == expected, "request %u (word %u) seen from %x, expected %x", i, g_seen_word[i],
                  g_seen_from[i].raw(), expected.raw());
        }
    }
    // A server that waits for anylocal sees a sender of its own space by its local id.
    LocalThread server;
    CHECK(t, server.start(recording_server, ThreadId::any_local().raw()), "start: %s", server.error());
    l4::load_words(0x3000, {5});
    MsgTag tag = l4::call(server.id(), l4::milliseconds(kSecond), l4::milliseconds(kSecond));
    CHECK(t, !l4::ipc_failed(tag) && mr(1) == 5, "call to the anylocal server failed, ErrorCode %x", l4::error_code());
    CHECK(t, g_seen_from[0] == l4::my_local_id(), "anylocal server saw sender %x, expected local id %x",
          g_seen_from[0].raw(), l4::my_local_id().raw());
}

void test_ipc_all_mrs(TestContext& t) {
    LocalThread peer;
    CHECK(t, peer.start(complement_all, 0), "start: %s", peer.error());
    constexpr unsigned kWords = api::kNumMessageRegisters - 1;
    for (unsigned i = 1; i <= kWords; ++i) l4::set_mr(i, 0xA5000000 + i * 0x00010101);
    l4::set_mr(0, MsgTag::make(0x4443, kWords, 0).raw());
    MsgTag tag = l4::call(peer.id(), l4::milliseconds(kSecond), l4::milliseconds(kSecond));
    CHECK(t, !l4::ipc_failed(tag), "call failed, ErrorCode %x", l4::error_code());
    CHECK(t, tag.label() == 0x4444 && tag.untyped() == kWords, "reply tag %x: expected %u words", tag.raw(), kWords);
    for (unsigned i = 1; i <= kWords; ++i)
        CHECK(t, mr(i) == ~(0xA5000000 + i * 0x00010101), "MR%u came back as %x", i, mr(i));
}

}  // namespace l4test
