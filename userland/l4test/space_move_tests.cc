// space_move_tests.cc: ThreadControl moves a thread into another address space.
//
// X.2: ThreadControl on an existing thread whose SpaceSpecifier names a thread of
// another space moves the thread into that space (Lab 7's kernel part, thesis 4.2.4;
// kernel/thread/thread_ops.h, try_move_to_space). The rules these tests hold the
// kernel to:
//   - the thread keeps its CPU, state, registers and IPC; its UTCB stays at its
//     address, on a UTCB page of the new space (from that space's home node) that
//     holds a copy of it;
//   - a refused move returns 0 and changes nothing: UtcbArea when the UTCB address
//     is outside the new space's UTCB area or another thread's there; InvalidSpace
//     when the new space has had no SpaceControl or the specifier names no thread;
//     InvalidThread while the thread sends to another CPU (transient: the tests
//     retry); NoPrivilege from an ordinary space;
//   - the space a thread leaves as its last thread is destroyed.
//
// The moved thread ("mover") has UTCB slot 1 of kChildUtcbArea (slot 0 is the
// TestSpace thread's in every space) and a stack of its own. Where the machine has
// several nodes, space B is made from a CPU of another node than the main thread's,
// so its home node differs from A's. Which space a thread is in is read from the
// kernel (kdebug): the frame behind its UTCB address is that space's UTCB page.
//
//   l4.thread.move_space              a computing thread moved A -> B -> A ... 201 times
//   l4.thread.move_space_errors       each refused move: its ErrorCode, nothing changed
//   l4.thread.move_space_last_leaves  the last thread leaves: its space goes, no leak
//   l4.thread.move_space_under_ipc    a server moved 100 times while a client calls it
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
#include "kernel_counts.h"
#include "test_case.h"
#include "test_space.h"
#include "threads.h"

namespace l4test {

namespace {

using api::Error;
using api::MsgTag;
using l4::mr;
using l4::kdebug::Statistic;

// ---- The computing mover ----------------------------------------------------------
//
// It fills its UTCB (user-defined handle, MR2..MR63), then computes the same sum
// round after round in registers, and after each round checks the sum, a stack array,
// its UTCB and its ids, and writes the round's number to MR1 (a UTCB word that must
// follow it into the new space even when it was written just before the move). It
// makes no system call, so nothing but a move touches these.

constexpr unsigned kSteps = 3000;
enum Wrong : Word { kSum = 1, kStack, kMessageRegister, kLastRound, kUserHandle, kLocalId, kGlobalId };
const char* const kWrongNames[] = {"-", "sum", "stack", "MR2..63", "MR1 (last round)", "user-defined handle",
                                   "local id", "global id"};

volatile Word g_seed = 12345;
volatile Word g_rounds;     // rounds finished
volatile Word g_bad;        // rounds that found something wrong
volatile Word g_bad_what;   // the first: what (Wrong)
volatile Word g_bad_round;  // ... and in which round

Word mr_pattern(unsigned i) { return 0xA5000000u + i * 0x01010101u; }

__attribute__((noinline)) Word checksum(Word seed) {
    Word a = seed, b = seed ^ 0x9E3779B9u, c = 1;
    for (unsigned i = 0; i < kSteps; ++i) {
        a = a * 1664525u + 1013904223u;
        b ^= a >> 7;
        c += b * 3 + i;
    }
    return a ^ b ^ c;
}

void computer(Word) {
    l4::utcb().user_defined_handle = kHandle;
    l4::set_mr(1, 0);
    for (unsigned i = 2; i < api::kNumMessageRegisters; ++i) l4::set_mr(i, mr_pattern(i));
    const Word local = l4::my_local_id().raw(), global = l4::my_global_id().raw();
    const Word expected = checksum(g_seed);
    volatile Word stack[16];
    for (Word round = 0;; ++round) {
        for (unsigned k = 0; k < 16; ++k) stack[k] = round * 16 + k;
        Word wrong = checksum(g_seed) != expected ? kSum : 0;
        for (unsigned k = 0; k < 16; ++k)
            if (stack[k] != round * 16 + k) wrong = kStack;
        for (unsigned i = 2; i < api::kNumMessageRegisters; ++i)
            if (mr(i) != mr_pattern(i)) wrong = kMessageRegister;
        if (mr(1) != round) wrong = kLastRound;
        if (l4::user_defined_handle() != kHandle) wrong = kUserHandle;
        if (l4::my_local_id().raw() != local) wrong = kLocalId;
        if (l4::my_global_id().raw() != global) wrong = kGlobalId;
        if (wrong != 0) {
            if (g_bad == 0) {
                g_bad_what = wrong;
                g_bad_round = round;
            }
            g_bad = g_bad + 1;
        }
        l4::set_mr(1, round + 1);
        g_rounds = round + 1;
    }
}

void reset_computer() {
    g_rounds = 0;
    g_bad = 0;
    g_bad_what = 0;
    g_bad_round = 0;
}

/// Fails `t` unless the computer finishes two more rounds (one wholly after now)
/// and every round so far was right.
bool check_computing(TestContext& t, Word moves) {
    Word target = g_rounds + 2;
    if (!progress_within_limit([target] { return g_rounds >= target; })) {
        t.fail("after %u moves the thread stopped computing (%u rounds)", moves, g_rounds);
        return false;
    }
    if (g_bad != 0) {
        t.fail("after %u moves: %u rounds wrong, the first (round %u) in its %s", moves, g_bad, g_bad_round,
               kWrongNames[g_bad_what <= kGlobalId ? g_bad_what : 0]);
        return false;
    }
    return true;
}

/// The user-defined handle and pager of `thread`, as the kernel reads them.
bool check_registers(TestContext& t, ThreadId thread) {
    l4::ThreadRegisters regs;
    regs.control = l4::exreg::kDeliver;
    if (l4::exchange_registers(thread, regs).is_nil()) {
        t.fail("ExchangeRegisters on the moved thread failed, ErrorCode %u", l4::error_code());
        return false;
    }
    if (regs.user_handle != kHandle || regs.pager != pager_thread()) {
        t.fail("the moved thread's handle %x, pager %x: expected %x, %x", regs.user_handle, regs.pager.raw(), kHandle,
               pager_thread().raw());
        return false;
    }
    return true;
}

}  // namespace

void test_space_move(TestContext& t) {
    constexpr Word kMoves = 201;  // into B and back 100 times, then into B
    Word here = l4::processor_no(), cpus = l4::processor_count();
    Word b_cpu = cpu_of_other_node();
    TestSpace a, b;
    CHECK(t, a.create(idle, 0), "create space A: %s", a.error());
    CHECK(t, create_space_on(b, b_cpu, idle), "create space B: %s", why_not());
    reset_computer();
    reset_retries();
    OwnedThread mover;
    CHECK(t, start_mover(mover, a.id(), computer, 0), "start the mover in A: %s", why_not());
    if (cpus > 1)
        CHECK(t, l4::set_processor(mover.id(), (here + 1) % cpus) != 0, "Schedule of the mover failed, ErrorCode %u",
              l4::error_code());
    if (!check_computing(t, 0) || !check_in_space(t, mover.id(), a.id(), "A", 0)) return;
    unsigned spaces = statistic(Statistic::Spaces);
    for (Word moves = 1; moves <= kMoves; ++moves) {
        bool to_b = moves % 2 == 1;
        Word error = 0;
        CHECK(t, move(mover.id(), to_b ? b.id() : a.id(), &error) == 1, "move %u into %s failed, ErrorCode %u",
              moves, to_b ? "B" : "A", error);
        if (!check_in_space(t, mover.id(), to_b ? b.id() : a.id(), to_b ? "B" : "A", moves)) return;
        if (!check_computing(t, moves)) return;
    }
    if (!check_registers(t, mover.id())) return;
    CHECK(t, statistic(Statistic::Spaces) == spaces, "%u spaces before the moves, %u after", spaces,
          statistic(Statistic::Spaces));
    t.note("l4.thread.move_space: %u moves between node %u and node %u, %u rounds, %u InvalidThread retries",
           unsigned(kMoves), l4::kdebug::space_home_node(number(a.id())),
           l4::kdebug::space_home_node(number(b.id())), unsigned(g_rounds), unsigned(retries()));
}

// ---- l4.thread.move_space_errors ----------------------------------------------------

namespace {

/// In an ordinary space: tries the move it is sent (thread, into), answers result and
/// ErrorCode.
void unprivileged_mover(Word) {
    for (;;) {
        MsgTag tag = l4::receive(main_thread());
        if (l4::ipc_failed(tag)) continue;
        Word result = l4::thread_control(ThreadId::from_raw(mr(1)), ThreadId::from_raw(mr(2)), ThreadId::nil(),
                                         ThreadId::nil(), l4::kNoChange);
        l4::load_words(kDoneLabel, {result, l4::error_code()});
        (void)l4::send(main_thread(), l4::milliseconds(5000));
    }
}

}  // namespace

void test_space_move_errors(TestContext& t) {
    Word here = l4::processor_no(), cpus = l4::processor_count();
    TestSpace a, b, crowded, ordinary;
    CHECK(t, a.create(idle, 0), "create space A: %s", a.error());
    CHECK(t, b.create(idle, 0), "create space B: %s", b.error());
    CHECK(t, crowded.create(idle, 0), "create space: %s", crowded.error());
    CHECK(t, ordinary.create(unprivileged_mover, 0), "create space: %s", ordinary.error());
    // In `crowded` another thread holds the mover's UTCB address (active, never started).
    OwnedThread squatter, elsewhere, unconfigured;
    ThreadId squatter_id = new_thread_id();
    CHECK(t, l4::thread_control(squatter_id, crowded.id(), main_thread(), pager_thread(),
                                mover_utcb()) == 1,
          "ThreadControl (squatter) failed, ErrorCode %u", l4::error_code());
    squatter.adopt(squatter_id);
    CHECK(t, make_space(elsewhere, kChildUtcbArea + (Word{1} << kChildUtcbAreaLog2)), "%s", why_not());
    CHECK(t, make_space(unconfigured, 0), "%s", why_not());

    reset_computer();
    OwnedThread mover;
    CHECK(t, start_mover(mover, a.id(), computer, 0), "start the mover in A: %s", why_not());
    if (cpus > 1)
        CHECK(t, l4::set_processor(mover.id(), (here + 1) % cpus) != 0, "Schedule of the mover failed");
    if (!check_computing(t, 0)) return;
    unsigned spaces = statistic(Statistic::Spaces), threads = statistic(Statistic::Threads);

    struct Refused {
        const char* what;
        ThreadId into;
        Error error;
    };
    const Refused cases[] = {
        {"a space whose UTCB area lies elsewhere", elsewhere.id(), Error::UtcbArea},
        {"a space where its UTCB address is taken", crowded.id(), Error::UtcbArea},
        {"a space without SpaceControl", unconfigured.id(), Error::InvalidSpace},
        {"the space of a thread that does not exist", new_thread_id(), Error::InvalidSpace},
    };
    for (const Refused& refused : cases) {
        Word error = 0;
        CHECK(t, move(mover.id(), refused.into, &error) == 0, "a move into %s succeeded", refused.what);
        CHECK(t, error == Word(refused.error), "a move into %s: ErrorCode %u, expected %u", refused.what, error,
              Word(refused.error));
        if (!check_in_space(t, mover.id(), a.id(), "A", 0) || !check_computing(t, 0)) return;
        CHECK(t, statistic(Statistic::Spaces) == spaces && statistic(Statistic::Threads) == threads,
              "a refused move into %s changed the number of spaces or threads", refused.what);
    }
    l4::load_words(kOrderLabel, {mover.id().raw(), b.id().raw()});
    MsgTag tag = l4::call(ordinary.id(), l4::milliseconds(5000), l4::milliseconds(5000));
    CHECK(t, !l4::ipc_failed(tag) && tag.label() == kDoneLabel, "the unprivileged thread did not answer");
    CHECK(t, mr(1) == 0 && mr(2) == Word(Error::NoPrivilege),
          "ThreadControl (move) from an ordinary space returned %u, ErrorCode %u", mr(1), mr(2));
    if (!check_in_space(t, mover.id(), a.id(), "A", 0) || !check_computing(t, 0)) return;

    // A still counts the mover's UTCB address as taken ...
    OwnedThread intruder;
    ThreadId intruder_id = new_thread_id();
    Word made = l4::thread_control(intruder_id, a.id(), main_thread(), pager_thread(), mover_utcb());
    if (made == 1) intruder.adopt(intruder_id);
    CHECK(t, made == 0 && l4::error_code() == Word(Error::UtcbArea),
          "after the refused moves, a new thread got the mover's UTCB address in A");
    // ... and B has not been touched: the mover can still move there.
    Word error = 0;
    CHECK(t, move(mover.id(), b.id(), &error) == 1, "after the refused moves, a move into B failed, ErrorCode %u",
          error);
    if (!check_in_space(t, mover.id(), b.id(), "B", 1) || !check_computing(t, 1)) return;
    (void)check_registers(t, mover.id());
}

// ---- l4.thread.move_space_last_leaves ----------------------------------------------

namespace {

/// The mover computes alone in a space of its own on CPU `cpu`, and moves into B:
/// its old space must go. Then an inactive thread without UTCB, alone in its space,
/// moves into a space without SpaceControl (allowed: it has no UTCB to place).
void leave_alone(TestContext& t, Word cpu) {
    TestSpace b;
    CHECK(t, create_space_on(b, cpu_of_other_node(), idle), "create space B: %s", why_not());
    reset_computer();
    OwnedThread mover;
    CHECK(t, start_mover(mover, ThreadId::nil(), computer, 0), "start the mover alone: %s", why_not());
    if (cpu != l4::processor_no())
        CHECK(t, l4::set_processor(mover.id(), cpu) != 0, "Schedule of the mover to CPU %u failed", cpu);
    if (!check_computing(t, 0)) return;
    unsigned spaces = statistic(Statistic::Spaces);
    Word error = 0;
    CHECK(t, move(mover.id(), b.id(), &error) == 1, "moving the only thread of a space failed, ErrorCode %u", error);
    CHECK(t, statistic(Statistic::Spaces) == spaces - 1, "its last thread left, but %u spaces before, %u after",
          spaces, statistic(Statistic::Spaces));
    if (!check_in_space(t, mover.id(), b.id(), "B", 1) || !check_computing(t, 1)) return;

    OwnedThread lonely, unconfigured;
    CHECK(t, make_space(lonely, 0) && make_space(unconfigured, 0), "%s", why_not());
    spaces = statistic(Statistic::Spaces);
    CHECK(t, move(lonely.id(), unconfigured.id(), &error) == 1,
          "an inactive thread without UTCB could not move into a space without SpaceControl, ErrorCode %u", error);
    CHECK(t, statistic(Statistic::Spaces) == spaces - 1,
          "an inactive thread left its space as its last thread, but %u spaces before, %u after", spaces,
          statistic(Statistic::Spaces));
}

}  // namespace

void test_space_move_last_leaves(TestContext& t) {
    Word here = l4::processor_no(), cpus = l4::processor_count();
    leave_alone(t, here);  // a first round, so that whatever is made once exists before counting
    if (t.failed()) return;
    KernelCounts before = kernel_counts();
    leave_alone(t, here);
    if (t.failed()) return;
    if (cpus > 1) leave_alone(t, (here + 1) % cpus);
    if (t.failed()) return;
    (void)counts_back(t, before, kernel_counts());
}

}  // namespace l4test
