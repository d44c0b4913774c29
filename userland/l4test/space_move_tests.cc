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

constexpr unsigned kMoverSlot = 1;
constexpr Word kMoveAttempts = 500;                 // InvalidThread answers before a move fails
constexpr uint64_t kProgressLimitUs = 20'000'000;  // no progress for this long: stuck
constexpr uint16_t kMadeLabel = 0x4D01, kOrderLabel = 0x4D02, kDoneLabel = 0x4D03;

char g_why[96];  // why the last helper below failed

Word utcb_location(unsigned slot) { return kChildUtcbArea + slot * l4::kip().utcb_info.utcb_size(); }
unsigned number(ThreadId id) { return unsigned(id.number()); }
unsigned statistic(Statistic which) { return l4::kdebug::kernel_statistic(which); }

void idle(Word) { l4::sleep_forever(); }

/// A thread made by hand; deleted (and with its space's last thread, the space) when
/// this goes.
class OwnedThread {
public:
    OwnedThread() = default;
    OwnedThread(const OwnedThread&) = delete;
    OwnedThread& operator=(const OwnedThread&) = delete;
    ~OwnedThread() { reset(); }
    void adopt(ThreadId id) { m_id = id; }
    void reset() {
        if (!m_id.is_nil())
            (void)l4::thread_control(m_id, ThreadId::nil(), ThreadId::nil(), ThreadId::nil(), l4::kNoChange);
        m_id = ThreadId::nil();
    }
    [[nodiscard]] ThreadId id() const { return m_id; }

private:
    ThreadId m_id = ThreadId::nil();
};

/// Makes `thread` an inactive thread in a new space; with `utcb_area` != 0 the space
/// is configured as TestSpace configures one, but with its UTCB area there.
bool make_space(OwnedThread& thread, Word utcb_area) {
    ThreadId id = new_thread_id();
    if (l4::thread_control(id, id, main_thread(), ThreadId::nil(), l4::kNoChange) != 1) {
        l4::snprintf(g_why, sizeof g_why, "ThreadControl (new space) failed, ErrorCode %u", l4::error_code());
        return false;
    }
    thread.adopt(id);
    if (utcb_area == 0) return true;
    api::Fpage kip_area = api::Fpage::memory(l4::kip_base(), l4::kip().kip_area_info.log2_size(), api::Rights::None);
    api::Fpage utcbs = api::Fpage::memory(utcb_area, kChildUtcbAreaLog2, api::Rights::None);
    if (l4::space_control(id, 0, kip_area, utcbs, ThreadId::any()) != 1) {
        l4::snprintf(g_why, sizeof g_why, "SpaceControl failed, ErrorCode %u", l4::error_code());
        return false;
    }
    return true;
}

alignas(4096) char g_mover_stack[LocalThread::kStackSize];

/// Starts the mover: UTCB slot kMoverSlot, g_mover_stack, started by the pager, in the
/// space of thread `space` (nil: in a configured space of its own).
bool start_mover(OwnedThread& mover, ThreadId space, ThreadFunction function, Word arg) {
    ThreadId id;
    if (space.is_nil()) {
        if (!make_space(mover, kChildUtcbArea)) return false;
        id = mover.id();
    } else {
        id = new_thread_id();
        if (l4::thread_control(id, space, main_thread(), ThreadId::nil(), l4::kNoChange) != 1) {
            l4::snprintf(g_why, sizeof g_why, "ThreadControl (create) failed, ErrorCode %u", l4::error_code());
            return false;
        }
        mover.adopt(id);
    }
    if (l4::thread_control(id, id, main_thread(), pager_thread(), utcb_location(kMoverSlot)) != 1) {
        l4::snprintf(g_why, sizeof g_why, "ThreadControl (activate) failed, ErrorCode %u", l4::error_code());
        return false;
    }
    Word ip;
    Word sp = prepare_stack(g_mover_stack + sizeof g_mover_stack, function, arg, &ip);
    if (!start_through_pager(id, ip, sp)) {
        l4::snprintf(g_why, sizeof g_why, "the pager could not start the mover");
        return false;
    }
    return true;
}

// ---- Space B on another node -----------------------------------------------------
//
// A space's home node is the node of the CPU whose ThreadControl creates it, so a
// root-task thread put on that CPU makes it.

struct SpaceOrder {
    TestSpace* space;
    ThreadFunction function;
    Word cpu;
};

void space_maker(Word order_address) {
    const SpaceOrder* order = reinterpret_cast<const SpaceOrder*>(order_address);
    MsgTag tag = l4::receive(main_thread());  // sent once the main thread has moved us
    for (unsigned i = 0; i < 1000 && l4::processor_no() != order->cpu; ++i) l4::thread_switch(ThreadId::nil());
    bool made = !l4::ipc_failed(tag) && l4::processor_no() == order->cpu && order->space->create(order->function, 0);
    l4::load_words(kMadeLabel, {made ? Word{1} : Word{0}});
    (void)l4::send(main_thread(), l4::milliseconds(5000));
}

/// A CPU on another node than the main thread's; without one, the main thread's CPU.
Word cpu_of_other_node() {
    Word here = l4::processor_no();
    for (Word cpu = 0; cpu < l4::processor_count(); ++cpu)
        if (l4::processor_node(cpu) != l4::processor_node(here)) return cpu;
    return here;
}

/// Creates `space` (its thread runs function(0)) from CPU `cpu`.
bool create_space_on(TestSpace& space, Word cpu, ThreadFunction function) {
    if (cpu == l4::processor_no()) {
        if (space.create(function, 0)) return true;
        l4::snprintf(g_why, sizeof g_why, "%s", space.error());
        return false;
    }
    SpaceOrder order{&space, function, cpu};
    LocalThread maker;
    if (!maker.start(space_maker, reinterpret_cast<Word>(&order)) || l4::set_processor(maker.id(), cpu) == 0) {
        l4::snprintf(g_why, sizeof g_why, "no space maker on CPU %u", cpu);
        return false;
    }
    l4::load_empty(kOrderLabel);
    MsgTag tag = l4::call(maker.id(), l4::milliseconds(5000), l4::milliseconds(30000));
    if (l4::ipc_failed(tag) || mr(1) != 1) {
        l4::snprintf(g_why, sizeof g_why, "the space maker on CPU %u failed: %s", cpu, space.error());
        return false;
    }
    return true;
}

// ---- Moving and looking -----------------------------------------------------------

Word g_retries;  // InvalidThread answers retried (notes)

/// ThreadControl(thread, into) leaving scheduler, pager and UTCB: 1, or 0 with the
/// ErrorCode in *error. InvalidThread (the thread sends to another CPU) is retried.
Word move(ThreadId thread, ThreadId into, Word* error) {
    for (Word attempt = 0;; ++attempt) {
        if (l4::thread_control(thread, into, ThreadId::nil(), ThreadId::nil(), l4::kNoChange) == 1) return 1;
        *error = l4::error_code();
        if (*error != Word(Error::InvalidThread) || attempt == kMoveAttempts) return 0;
        ++g_retries;
        (void)l4::sleep(l4::milliseconds(1));
    }
}

/// The frame behind the mover's UTCB address in the space of `thread` (~0: none).
Word utcb_frame(ThreadId thread) {
    return l4::kdebug::physical_in_space(number(thread), utcb_location(kMoverSlot));
}

/// Fails `t` unless the kernel has `thread` in the space of `member`: the frame behind
/// its UTCB address, its space's home node and its UTCB's node are that space's.
bool check_in_space(TestContext& t, ThreadId thread, ThreadId member, const char* space, Word moves) {
    Word frame = utcb_frame(thread), expected = utcb_frame(member);
    if (frame == ~0u || frame != expected) {
        t.fail("after %u moves the thread's UTCB address maps frame %x, not space %s's %x", moves, frame, space,
               expected);
        return false;
    }
    unsigned home = l4::kdebug::space_home_node(number(thread));
    unsigned expected_home = l4::kdebug::space_home_node(number(member));
    if (home != expected_home) {
        t.fail("after %u moves the thread's space is at home on node %u, space %s on %u", moves, home, space,
               expected_home);
        return false;
    }
    unsigned node = l4::kdebug::utcb_node(number(thread));
    unsigned member_node = l4::kdebug::utcb_node(number(member));  // ~0: the member has no UTCB
    unsigned pool = l4::kdebug::kernel_pool_free_bytes(home);
    bool home_has_memory = pool != 0 && pool != ~0u;  // else its nearest node serves it
    if ((member_node != ~0u && node != member_node) || (home_has_memory && node != home)) {
        t.fail("after %u moves the thread's UTCB lies on node %u; space %s is at home on node %u", moves, node,
               space, home);
        return false;
    }
    return true;
}

// ---- The computing mover ----------------------------------------------------------
//
// It fills its UTCB (user-defined handle, MR2..MR63), then computes the same sum
// round after round in registers, and after each round checks the sum, a stack array,
// its UTCB and its ids, and writes the round's number to MR1 (a UTCB word that must
// follow it into the new space even when it was written just before the move). It
// makes no system call, so nothing but a move touches these.

constexpr Word kHandle = 0x600DF00D;
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
    uint64_t start = l4::system_clock();
    while (g_rounds < target) {
        if (l4::system_clock() - start > kProgressLimitUs) {
            t.fail("after %u moves the thread stopped computing (%u rounds)", moves, g_rounds);
            return false;
        }
        (void)l4::sleep(l4::milliseconds(1));
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
    CHECK(t, create_space_on(b, b_cpu, idle), "create space B: %s", g_why);
    reset_computer();
    g_retries = 0;
    OwnedThread mover;
    CHECK(t, start_mover(mover, a.id(), computer, 0), "start the mover in A: %s", g_why);
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
           l4::kdebug::space_home_node(number(b.id())), unsigned(g_rounds), unsigned(g_retries));
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
                                utcb_location(kMoverSlot)) == 1,
          "ThreadControl (squatter) failed, ErrorCode %u", l4::error_code());
    squatter.adopt(squatter_id);
    CHECK(t, make_space(elsewhere, kChildUtcbArea + (Word{1} << kChildUtcbAreaLog2)), "%s", g_why);
    CHECK(t, make_space(unconfigured, 0), "%s", g_why);

    reset_computer();
    OwnedThread mover;
    CHECK(t, start_mover(mover, a.id(), computer, 0), "start the mover in A: %s", g_why);
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
    Word made = l4::thread_control(intruder_id, a.id(), main_thread(), pager_thread(), utcb_location(kMoverSlot));
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
    CHECK(t, create_space_on(b, cpu_of_other_node(), idle), "create space B: %s", g_why);
    reset_computer();
    OwnedThread mover;
    CHECK(t, start_mover(mover, ThreadId::nil(), computer, 0), "start the mover alone: %s", g_why);
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
    CHECK(t, make_space(lonely, 0) && make_space(unconfigured, 0), "%s", g_why);
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

// ---- l4.thread.move_space_under_ipc ------------------------------------------------
//
// The server answers each call with its eight words transformed and its user-defined
// handle; the client (on another CPU if there is one) checks every answer. The main
// thread moves the server each time the client has had one more answer, so calls
// are in flight at the moves: first between A and B, then through fresh spaces
// where it is the only thread, so that each move also destroys the space it leaves.

namespace {

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
    uint64_t start = l4::system_clock();
    while (g_calls == seen && g_bad_calls == 0) {
        if (l4::system_clock() - start > kProgressLimitUs) {
            g_stop = 1;
            t.fail("%s, after %u moves: the client's call %u did not come back", phase, moves, seen);
            return false;
        }
        (void)l4::sleep(l4::milliseconds(1));
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
    CHECK(t, create_space_on(b, cpu_of_other_node(), idle), "create space B: %s", g_why);
    OwnedThread server;
    CHECK(t, start_mover(server, a.id(), echo_server, 0), "start the server in A: %s", g_why);
    if (server_cpu != here)
        CHECK(t, l4::set_processor(server.id(), server_cpu) != 0, "Schedule of the server failed");
    g_server = server.id();
    g_stop = 0;
    g_calls = 0;
    g_good = 0;
    g_bad_calls = 0;
    g_retries = 0;
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
        CHECK(t, make_space(next, kChildUtcbArea), "hop %u: %s", hop, g_why);
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
    t.note("l4.thread.move_space_under_ipc: %u calls from CPU %u to a server on CPU %u moved %u times, %u InvalidThread "
           "retries", unsigned(g_calls), unsigned(client_cpu), unsigned(server_cpu), unsigned(kMoves + kHops),
           unsigned(g_retries));
}

}  // namespace l4test
