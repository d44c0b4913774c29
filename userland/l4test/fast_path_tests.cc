// fast_path_tests.cc: the kernel's IPC fast path (kernel/arch/ia32/syscall/ipc_fast.S, issue 19)
// is taken in the common case and only there.
//
// The fast path does a Call or ReplyWait of untyped words, with a receive phase that
// waits for ever, to a thread of the same CPU that already waits for the sender with
// no timeout; no sender may be queued at the caller, no thread of a higher priority
// than the receiver may be ready. Everything else goes down the general path, and the
// results must be the same either way. The kernel counts, per thread, the IPCs it sent
// through the fast path, and says whether the fast path is on (kdebug op 0x50,
// l4/kdebug.h: fast_ipcs, Statistic::FastPathOn); `make core-tests` runs these tests
// once as the kernel boots and once with `fastpath=off`, when no count may move.
//
//   l4.ipc.fast_path_taken    200 Calls (0 to 63 words) and 20 Lipcs to an echo server:
//                             answers right; on: the client's count rose by exactly
//                             220, the server's (its ReplyWaits) by at least 219;
//                             off: neither moved
//   l4.ipc.fast_path_refused  the client's count stays where it was for each case the
//                             fast path must leave alone, and the IPC's results are
//                             what X.2 says: a finite receive timeout, a map item, a
//                             send alone (no receive phase), a receiver not waiting (send timeout zero: it fails), a
//                             server with a receive timeout armed, a server on another
//                             CPU, a ready thread above the server's priority (which
//                             must run before the answer comes), a receiver that waits
//                             for somebody else (it must not get the message), a
//                             sender queued at the caller (an Ipc that sends to the
//                             waiting server and then receives from anybody must
//                             take the queued message at once)
//
// Before the cases that share an echo server, a control call that the fast path must
// take (when it is on) shows the server really was waiting: the case's own refusal
// is then the condition under test, not an accident of timing. Both tests end with
// the leak check of kernel_counts.h.
#include "api/error.h"
#include "api/msg_tag.h"
#include "kernel_counts.h"
#include "l4/ipc.h"
#include "l4/kdebug.h"
#include "l4/kip.h"
#include "l4/message.h"
#include "l4/thread.h"
#include "test_case.h"
#include "threads.h"

namespace l4test {

namespace {

using api::IpcError;
using api::IpcErrorCode;
using api::IpcPhase;
using api::MsgTag;
using l4::mr;
using l4::Time;
using l4::Timeouts;

constexpr uint16_t kEchoLabel = 0xE000;  // + the typed words the server received
constexpr uint16_t kQueuedLabel = 0x7BEE;  // what queued_sender sends
constexpr Word kSecond = 1000;

Word pattern(Word seed, unsigned k) { return seed * 0x9E3779B9u + k * 0x01010101u; }
Word echoed(Word word, unsigned k) { return (word ^ 0x5A5A5A5Au) + k; }

bool fast_path_on() { return l4::kdebug::kernel_statistic(l4::kdebug::Statistic::FastPathOn) == 1; }
Word fast_ipcs(ThreadId id) { return l4::kdebug::fast_ipcs(id.number()); }

// Who ran when, in the priority case: 'S' the echo server took a request, 'R' the
// ready thread ran (all of them on one CPU).
volatile char g_order[8];
volatile unsigned g_order_length;
volatile Word g_go;           // the ready thread may note itself
volatile Word g_echo_sender;  // the echo server's last sender
volatile Word g_picky_got;    // a picky thread received a message

void note_order(char who) {
    unsigned length = g_order_length;
    if (length < sizeof g_order - 1) {
        g_order[length] = who;
        g_order_length = length + 1;
    }
}

/// Answers every message, for ever: label kEchoLabel + its typed words, and each of
/// its words (untyped and typed) k = 1.. as echoed(word, k), untyped. Waits with a
/// receive timeout of `receive_ms` (0: never); accepts no mappings.
void echo_server(Word receive_ms) {
    l4::accept(l4::Fpage::nil());
    Timeouts wait = Timeouts::make(Time::zero(), receive_ms == 0 ? Time::never() : l4::milliseconds(receive_ms));
    ThreadId from = ThreadId::nil();
    MsgTag tag = l4::ipc(ThreadId::nil(), ThreadId::any(), wait, &from);
    for (;;) {
        if (l4::ipc_failed(tag)) {
            tag = l4::ipc(ThreadId::nil(), ThreadId::any(), wait, &from);
            continue;
        }
        note_order('S');
        g_echo_sender = from.raw();
        unsigned words = tag.untyped() + tag.typed();
        for (unsigned k = 1; k <= words; ++k) l4::set_mr(k, echoed(mr(k), k));
        l4::set_mr(0, MsgTag::make(uint16_t(kEchoLabel + tag.typed()), words, 0).raw());
        tag = l4::ipc(from, ThreadId::any(), wait, &from);
    }
}

/// Ready from the start (the main thread runs above it) until it is let go.
void ready_thread(Word) {
    while (g_go == 0) {
    }
    note_order('R');
    l4::sleep_forever();
}

/// Waits for a message from thread `from_raw` only (0: from itself, which never
/// sends: it sleeps). Should another's come (a broken kernel), it notes it and
/// answers, so that a caller waiting for ever sees the mistake instead of hanging.
void picky_thread(Word from_raw) {
    ThreadId from = ThreadId::nil();
    MsgTag tag = l4::receive(from_raw == 0 ? l4::my_global_id() : ThreadId::from_raw(from_raw), &from);
    if (!l4::ipc_failed(tag)) {
        g_picky_got = 1;
        l4::load_empty(0x7BAD);
        (void)l4::send(from, Time::zero());
    }
    l4::sleep_forever();
}

/// Sends one word to thread `to_raw`, waiting for ever until it takes it; then sleeps.
void queued_sender(Word to_raw) {
    l4::load_words(kQueuedLabel, {0x5E4D});
    (void)l4::send(ThreadId::from_raw(to_raw));
    l4::sleep_forever();
}

/// Sleeps (so that `id` runs) until Schedule reports `id` in `state`; false after 2 s.
bool reaches(ThreadId id, Word state) {
    for (int i = 0; i < 2000; ++i) {
        if (l4::schedule(id, l4::kNoChange, l4::kNoChange, l4::kNoChange, l4::kNoChange) == state) return true;
        (void)l4::sleep(l4::milliseconds(1));
    }
    return false;
}

/// Until `id` waits in a receive phase.
bool waits(ThreadId id) { return reaches(id, l4::schedule_result::kWaiting); }

/// A Call of `words` untyped words made from `seed` to the echo server `to` (by
/// Lipc when `to` is a local id), sending for ever and receiving for
/// `receive_timeout`; fails `t` unless the answer is the echo, from `to`.
bool echo_call(TestContext& t, const char* what, ThreadId to, unsigned words, Word seed,
               Time receive_timeout = Time::never()) {
    for (unsigned k = 1; k <= words; ++k) l4::set_mr(k, pattern(seed, k));
    l4::set_mr(0, MsgTag::make(0x7000, words, 0).raw());
    Timeouts timeouts = Timeouts::make(Time::never(), receive_timeout);
    ThreadId from = ThreadId::nil();
    MsgTag tag = to.is_local() ? l4::lipc(to, to, timeouts, &from) : l4::ipc(to, to, timeouts, &from);
    if (l4::ipc_failed(tag)) {
        t.fail("%s: the call failed, ErrorCode %x", what, l4::error_code());
        return false;
    }
    if (from != to || tag.label() != kEchoLabel || tag.untyped() != words || tag.typed() != 0) {
        t.fail("%s: answer from %x (not %x), tag %x for %u words", what, from.raw(), to.raw(), tag.raw(), words);
        return false;
    }
    for (unsigned k = 1; k <= words; ++k)
        if (mr(k) != echoed(pattern(seed, k), k)) {
            t.fail("%s: word %u of %u came back as %x, not %x", what, k, words, mr(k), echoed(pattern(seed, k), k));
            return false;
        }
    if (g_echo_sender != main_thread().raw()) {
        t.fail("%s: the server saw sender %x, not %x", what, g_echo_sender, main_thread().raw());
        return false;
    }
    return true;
}

/// Fails `t` unless thread `id` has sent `expected` IPCs through the fast path since
/// its count was `before`.
bool fast_count(TestContext& t, const char* what, ThreadId id, Word before, Word expected) {
    Word sent = fast_ipcs(id) - before;
    if (sent == expected) return true;
    t.fail("%s: thread %x sent %u IPCs through the fast path, expected %u (fast path %s)", what, id.raw(), sent,
           expected, fast_path_on() ? "on" : "off");
    return false;
}

/// A call the fast path must take when it is on: the echo server `server` waits.
bool control_call(TestContext& t, ThreadId server) {
    Word before = fast_ipcs(main_thread());
    return echo_call(t, "control call", server, 2, 1) &&
           fast_count(t, "control call", main_thread(), before, fast_path_on() ? 1 : 0);
}

/// A Call with a send timeout of zero to `to`, which is not waiting for the main
/// thread: it must fail in its send phase with a timeout (X.2), not by the fast path.
bool refused_send(TestContext& t, const char* what, ThreadId to) {
    Word before = fast_ipcs(main_thread());
    l4::load_words(0x7001, {1, 2, 3});
    MsgTag tag = l4::ipc(to, to, Timeouts::make(Time::zero(), Time::never()), nullptr);
    Word expected = IpcErrorCode::make(IpcPhase::Send, IpcError::Timeout).raw();
    if (!l4::ipc_failed(tag)) {
        t.fail("%s: succeeded (answer tag %x), expected a send timeout", what, tag.raw());
        return false;
    }
    if (l4::error_code() != expected) {
        t.fail("%s: ErrorCode %x, expected %x (send timeout)", what, l4::error_code(), expected);
        return false;
    }
    return fast_count(t, what, main_thread(), before, 0);
}

void taken(TestContext& t) {
    constexpr unsigned kCalls = 200;
    constexpr unsigned kLipcs = 20;
    bool on = fast_path_on();
    t.note("l4.ipc.fast_path: the kernel's IPC fast path is %s", on ? "on" : "off (fastpath=off)");
    CHECK(t, fast_ipcs(main_thread()) != ~0u, "no fast-IPC count for the main thread %x", main_thread().raw());
    LocalThread server;
    CHECK(t, server.start(echo_server, 0), "start: %s", server.error());
    CHECK(t, waits(server.id()), "the echo server never waited");
    if (!echo_call(t, "warm-up call", server.id(), 1, 0)) return;

    Word client_before = fast_ipcs(main_thread());
    Word server_before = fast_ipcs(server.id());
    for (unsigned i = 0; i < kCalls; ++i)
        if (!echo_call(t, "call", server.id(), i % api::kNumMessageRegisters, i)) return;
    for (unsigned i = 0; i < kLipcs; ++i)
        if (!echo_call(t, "Lipc", server.local_id(), i % 4, 1000 + i)) return;
    Word client = fast_ipcs(main_thread()) - client_before;
    Word served = fast_ipcs(server.id()) - server_before;
    if (on) {
        CHECK(t, client == kCalls + kLipcs, "%u of %u calls took the fast path", client, kCalls + kLipcs);
        CHECK(t, served >= kCalls + kLipcs - 1, "%u of %u answers (ReplyWait) took the fast path", served,
              kCalls + kLipcs);
    } else {
        CHECK(t, client == 0 && served == 0, "fastpath=off, but %u calls and %u answers took the fast path", client,
              served);
    }
}

/// The cases one echo server on this CPU serves.
void refused_by_the_message(TestContext& t) {
    LocalThread server;
    CHECK(t, server.start(echo_server, 0), "start: %s", server.error());
    CHECK(t, waits(server.id()), "the echo server never waited");

    // A finite receive timeout: the caller would have to go on the timeout list.
    if (!control_call(t, server.id())) return;
    Word before = fast_ipcs(main_thread());
    if (!echo_call(t, "call with a 1 s receive timeout", server.id(), 5, 2, l4::milliseconds(kSecond))) return;
    if (!fast_count(t, "call with a 1 s receive timeout", main_thread(), before, 0)) return;

    // A map item (typed words). The server accepts no mapping: it gets the item's
    // two words, and answers them as untyped words.
    if (!control_call(t, server.id())) return;
    alignas(4096) static char page[4096];
    constexpr unsigned kUntyped = 3;
    for (unsigned k = 1; k <= kUntyped; ++k) l4::set_mr(k, pattern(3, k));
    l4::MapItem item = l4::MapItem::map(l4::Fpage::memory(reinterpret_cast<Word>(page), 12, l4::Rights::Read), 0);
    l4::load_with_item(0x7002, kUntyped, item);
    before = fast_ipcs(main_thread());
    MsgTag tag = l4::call(server.id());
    CHECK(t, !l4::ipc_failed(tag), "call with a map item failed, ErrorCode %x", l4::error_code());
    CHECK(t, tag.label() == kEchoLabel + 2 && tag.untyped() == kUntyped + 2, "call with a map item: answer tag %x",
          tag.raw());
    Word sent[] = {pattern(3, 1), pattern(3, 2), pattern(3, 3), item.word0(), item.word1()};
    for (unsigned k = 1; k <= kUntyped + 2; ++k)
        CHECK(t, mr(k) == echoed(sent[k - 1], k), "call with a map item: word %u came back as %x", k, mr(k));
    if (!fast_count(t, "call with a map item", main_thread(), before, 0)) return;

    // A send alone (no receive phase): the sender goes on at once. (The server's
    // answer then finds it not waiting and fails; the server waits again.)
    if (!control_call(t, server.id())) return;
    before = fast_ipcs(main_thread());
    l4::load_words(0x7005, {8});
    tag = l4::send(server.id());
    CHECK(t, !l4::ipc_failed(tag), "a send alone to the waiting server failed, ErrorCode %x", l4::error_code());
    if (!fast_count(t, "a send alone", main_thread(), before, 0)) return;
    CHECK(t, waits(server.id()), "the echo server never waited again after a send alone");

    // A receiver that is not waiting (it sleeps: waits for itself), and one that
    // waits for somebody else: neither may get the message.
    g_picky_got = 0;
    LocalThread idle, picky;
    CHECK(t, idle.start(picky_thread, 0), "start: %s", idle.error());
    CHECK(t, waits(idle.id()), "the sleeper never slept");
    if (!refused_send(t, "call to a sleeping thread", idle.id())) return;
    before = fast_ipcs(main_thread());
    l4::load_words(0x7003, {4});
    tag = l4::send(idle.id(), Time::zero());
    CHECK(t, l4::ipc_failed(tag) && l4::error_code() == IpcErrorCode::make(IpcPhase::Send, IpcError::Timeout).raw(),
          "send to a sleeping thread: ErrorCode %x, expected a send timeout", l4::error_code());
    if (!fast_count(t, "send to a sleeping thread", main_thread(), before, 0)) return;
    CHECK(t, picky.start(picky_thread, idle.id().raw()), "start: %s", picky.error());
    CHECK(t, waits(picky.id()), "the picky thread never waited");
    if (!refused_send(t, "call to a thread waiting for another", picky.id())) return;
    (void)l4::sleep(l4::milliseconds(2));
    CHECK(t, g_picky_got == 0, "a thread waiting for another received the main thread's message");
}

/// A receiver with a timeout armed, and a receiver on another CPU.
void refused_by_the_receiver(TestContext& t) {
    {
        LocalThread timed;
        CHECK(t, timed.start(echo_server, 60 * kSecond), "start: %s", timed.error());
        CHECK(t, waits(timed.id()), "the echo server never waited");
        Word client = fast_ipcs(main_thread()), server = fast_ipcs(timed.id());
        if (!echo_call(t, "call to a server with a receive timeout", timed.id(), 6, 4)) return;
        if (!fast_count(t, "call to a server with a receive timeout", main_thread(), client, 0)) return;
        if (!fast_count(t, "ReplyWait with a receive timeout", timed.id(), server, 0)) return;
    }
    Word cpus = l4::processor_count();
    if (cpus < 2) {
        t.note("l4.ipc.fast_path_refused: one CPU, no server on another; that case skipped");
        return;
    }
    Word there = (l4::processor_no() + 1) % cpus;
    LocalThread remote;
    CHECK(t, remote.start(echo_server, 0), "start: %s", remote.error());
    CHECK(t, l4::set_processor(remote.id(), there) != 0, "Schedule to CPU %u failed, ErrorCode %u", there,
          l4::error_code());
    CHECK(t, waits(remote.id()), "the echo server on CPU %u never waited", there);
    Word client = fast_ipcs(main_thread()), server = fast_ipcs(remote.id());
    for (unsigned i = 0; i < 10; ++i) {
        if (!echo_call(t, "call to another CPU", remote.id(), i * 7, 5 + i)) return;
        CHECK(t, MsgTag::from_raw(mr(0)).has(api::MsgFlag::CrossCpu), "answer %u from CPU %u without the X flag", i,
              there);
    }
    if (!fast_count(t, "calls to another CPU", main_thread(), client, 0)) return;
    (void)fast_count(t, "answers to another CPU", remote.id(), server, 0);
}

/// The main thread calls a priority-10 server while a priority-50 thread is ready on
/// its CPU: that thread must run first (the general path's scheduling), and the
/// fast path must not switch to the server over it.
void refused_by_priority(TestContext& t) {
    constexpr Word kServerPriority = 10;
    constexpr Word kReadyPriority = 50;
    LocalThread server, ready;
    CHECK(t, server.start(echo_server, 0), "start: %s", server.error());
    CHECK(t, waits(server.id()), "the echo server never waited");
    CHECK(t, l4::set_priority(server.id(), kServerPriority) != 0, "Schedule (priority %u) failed, ErrorCode %u",
          kServerPriority, l4::error_code());
    if (!control_call(t, server.id())) return;

    g_go = 0;
    CHECK(t, ready.start(ready_thread, 0), "start: %s", ready.error());
    CHECK(t, l4::set_priority(ready.id(), kReadyPriority) != 0, "Schedule (priority %u) failed, ErrorCode %u",
          kReadyPriority, l4::error_code());
    g_order_length = 0;
    g_go = 1;
    Word before = fast_ipcs(main_thread());
    if (!echo_call(t, "call with a higher thread ready", server.id(), 4, 6)) return;
    g_order[g_order_length] = '\0';
    CHECK(t, g_order_length == 2 && g_order[0] == 'R' && g_order[1] == 'S',
          "priority-%u server answered before the ready priority-%u thread ran (order '%s', want 'RS')",
          kServerPriority, kReadyPriority, const_cast<const char*>(g_order));
    (void)fast_count(t, "call with a higher thread ready", main_thread(), before, 0);
}

/// The main thread, with a sender queued at it, sends to the waiting echo server and
/// then receives from anybody: X.2 gives it the queued message at once. The fast path,
/// which would make it wait (and so take the server's answer), must leave it alone.
void refused_by_a_queued_sender(TestContext& t) {
    LocalThread server, sender;
    CHECK(t, server.start(echo_server, 0), "start: %s", server.error());
    CHECK(t, waits(server.id()), "the echo server never waited");
    if (!control_call(t, server.id())) return;
    CHECK(t, sender.start(queued_sender, main_thread().raw()), "start: %s", sender.error());
    CHECK(t, reaches(sender.id(), l4::schedule_result::kPendingSend), "a thread sending to the main thread never queued");
    Word before = fast_ipcs(main_thread());
    l4::load_words(0x7004, {7});
    ThreadId from = ThreadId::nil();
    MsgTag tag = l4::ipc(server.id(), ThreadId::any(), Timeouts::make(Time::never(), Time::never()), &from);
    CHECK(t, !l4::ipc_failed(tag), "an Ipc to the server and from anybody, with a sender queued: ErrorCode %x",
          l4::error_code());
    CHECK(t, from == sender.id() && tag.label() == kQueuedLabel && tag.untyped() == 1 && mr(1) == 0x5E4D,
          "an Ipc to the server and from anybody received tag %x word %x from %x, not the queued sender %x's "
          "message",
          tag.raw(), mr(1), from.raw(), sender.id().raw());
    (void)fast_count(t, "an Ipc with a sender queued at the caller", main_thread(), before, 0);
    // The server's answer finds the main thread not waiting for it (it fails, zero
    // send timeout); the server waits again.
    CHECK(t, waits(server.id()), "the echo server never waited again");
}

}  // namespace

void test_ipc_fast_path_taken(TestContext& t) {
    KernelCounts before = kernel_counts();
    taken(t);
    if (t.failed()) return;
    (void)counts_back(t, before, kernel_counts());
}

void test_ipc_fast_path_refused(TestContext& t) {
    // The root task's space gets its page directory for the other CPU when a thread
    // of it first runs there, for good: make sure it has it before counting.
    if (l4::processor_count() > 1) {
        LocalThread visitor;
        CHECK(t, visitor.start(picky_thread, 0), "start: %s", visitor.error());
        Word there = (l4::processor_no() + 1) % l4::processor_count();
        CHECK(t, l4::set_processor(visitor.id(), there) != 0, "Schedule to CPU %u failed, ErrorCode %u", there,
              l4::error_code());
        CHECK(t, waits(visitor.id()), "a thread moved to CPU %u never slept", there);
    }
    KernelCounts before = kernel_counts();
    refused_by_the_message(t);
    if (!t.failed()) refused_by_the_receiver(t);
    if (!t.failed()) refused_by_priority(t);
    if (!t.failed()) refused_by_a_queued_sender(t);
    if (t.failed()) return;
    (void)counts_back(t, before, kernel_counts());
}

}  // namespace l4test
