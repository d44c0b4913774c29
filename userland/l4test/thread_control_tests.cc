// thread_control_tests.cc: ThreadControl creates, sets up and activates threads as the
// X.2 reference manual describes.
//
// The rules these tests hold the kernel to:
//   - a thread created without a pager is inactive (Schedule reports state 2) and
//     keeps a UtcbLocation given at creation or by a later call without a pager;
//   - a pager given to an inactive thread activates it at the location it was given
//     (now or earlier): it then waits for a start message (IP, SP) from that pager,
//     and runs there with its UTCB at that location;
//   - a refused call returns 0, sets ErrorCode and changes nothing: InvalidThread for a
//     new thread without a scheduler; InvalidSpace for a new thread with a pager in a
//     space without SpaceControl; UtcbArea for a pager without a UTCB location, a
//     location outside the UTCB area, misaligned or taken, and for a new location of
//     an active thread.
// Each started thread runs reporter(): it reads its global id through %gs and through
// the UTCB location it was given, and sends both, its local id and an address on its
// stack to the main thread; then it answers each ping with the same report.
//
//   l4.thread.control_three_calls  Pistachio's set-up: create (UTCB), SpaceControl, pager
//   l4.thread.control_orderings    the other orders of location, pager and SpaceControl
//   l4.thread.control_errors       each refusal: its ErrorCode, nothing changed, no leak
#include "api/error.h"
#include "api/fpage.h"
#include "api/msg_tag.h"
#include "l4/ipc.h"
#include "l4/kdebug.h"
#include "l4/kip.h"
#include "l4/message.h"
#include "l4/space.h"
#include "l4/thread.h"
#include "l4/utcb.h"
#include "layout.h"
#include "pager.h"
#include "kernel_counts.h"
#include "test_case.h"
#include "threads.h"

namespace l4test {

namespace {

using api::Error;
using api::MsgTag;
using l4::kNoChange;
using l4::mr;
using l4::kdebug::Statistic;

constexpr uint16_t kReportLabel = 0x7C01, kPingLabel = 0x7C02;
constexpr unsigned kStacks = 4, kStackSize = 4096;
constexpr Word kOutside = kChildUtcbArea + (Word{1} << kChildUtcbAreaLog2);  // just past the area

alignas(4096) char g_stacks[kStacks][kStackSize];

Word location(unsigned slot) { return kChildUtcbArea + slot * l4::kip().utcb_info.utcb_size(); }
Word stack_bottom(unsigned stack) { return reinterpret_cast<Word>(g_stacks[stack]); }
ThreadId nil() { return ThreadId::nil(); }

/// SpaceControl as TestSpace does it: the root task's KIP address, kChildUtcbArea.
bool configure(ThreadId id) {
    api::Fpage kip_area = api::Fpage::memory(l4::kip_base(), l4::kip().kip_area_info.log2_size(), api::Rights::None);
    api::Fpage utcb_area = api::Fpage::memory(kChildUtcbArea, kChildUtcbAreaLog2, api::Rights::None);
    return l4::space_control(id, 0, kip_area, utcb_area, ThreadId::any()) == 1;
}

/// ThreadControl creating `thread` (adopted on success); false if it was refused.
bool create(OwnedThread& thread, ThreadId space, ThreadId pager, Word utcb) {
    ThreadId id = new_thread_id();
    if (l4::thread_control(id, space.is_nil() ? id : space, main_thread(), pager, utcb) != 1) return false;
    thread.adopt(id);
    return true;
}

/// The thread's state as Schedule reports it (X.2: 2 inactive, 6 waiting, 7 receiving).
Word state_of(ThreadId id) { return l4::schedule(id, kNoChange, kNoChange, kNoChange, kNoChange); }

void reporter(Word utcb_location) {
    const api::Utcb* at_location = reinterpret_cast<const api::Utcb*>(utcb_location);
    for (;;) {
        volatile Word on_stack = 0;
        l4::load_words(kReportLabel, {l4::my_global_id().raw(), at_location->my_global_id.raw(),
                                      l4::my_local_id().raw(), reinterpret_cast<Word>(&on_stack)});
        (void)l4::call(main_thread());  // the answer is a ping: report again
    }
}

/// Fails `t` unless the thread is inactive.
bool inactive(TestContext& t, ThreadId id, const char* what) {
    Word state = state_of(id);
    if (state == l4::schedule_result::kInactive) return true;
    t.fail("%s: the thread's state is %u (ErrorCode %u), not inactive (2)", what, state, l4::error_code());
    return false;
}

/// Takes the thread's next report (ping: asks for it first) and fails `t` unless it
/// runs on stack `stack` with its UTCB at `utcb_location`.
bool hear(TestContext& t, ThreadId id, Word utcb_location, unsigned stack, bool ping, const char* what) {
    MsgTag tag;
    if (ping) {
        l4::load_empty(kPingLabel);
        tag = l4::call(id, l4::milliseconds(5000), l4::milliseconds(5000));
    } else {
        tag = l4::receive(id, nullptr, l4::milliseconds(5000));
    }
    if (l4::ipc_failed(tag) || tag.label() != kReportLabel || tag.untyped() != 4) {
        t.fail("%s: no report from the thread (tag %x, ErrorCode %x)", what, tag.raw(), l4::error_code());
        return false;
    }
    Word global = mr(1), global_at_location = mr(2), local = mr(3), sp = mr(4);
    if (global != id.raw() || global_at_location != id.raw()) {
        t.fail("%s: its UTCB holds global id %x (%x at location %x), expected %x", what, global,
               global_at_location, utcb_location, id.raw());
        return false;
    }
    if (local != api::utcb_pointer(utcb_location)) {
        t.fail("%s: local id %x, expected %x (UTCB location %x)", what, local, api::utcb_pointer(utcb_location),
               utcb_location);
        return false;
    }
    if (sp < stack_bottom(stack) || sp >= stack_bottom(stack) + kStackSize) {
        t.fail("%s: it runs on SP near %x, not on the stack it was started with", what, sp);
        return false;
    }
    return true;
}

/// The thread was just given its pager: it must wait for the start message, and once
/// the pager sent it, run reporter() on stack `stack` with its UTCB at `utcb_location`.
bool start(TestContext& t, ThreadId id, Word utcb_location, unsigned stack, const char* what) {
    Word state = state_of(id);
    if (state != l4::schedule_result::kWaiting && state != l4::schedule_result::kReceiving) {
        t.fail("%s: given its pager, the thread's state is %u, not waiting for its start message", what, state);
        return false;
    }
    l4::ThreadRegisters regs;
    regs.control = l4::exreg::kDeliver;
    if (l4::exchange_registers(id, regs).is_nil() || regs.pager != pager_thread()) {
        t.fail("%s: its pager is %x (ErrorCode %u), not %x", what, regs.pager.raw(), l4::error_code(),
               pager_thread().raw());
        return false;
    }
    Word ip;
    Word sp = prepare_stack(g_stacks[stack] + kStackSize, reporter, utcb_location, &ip);
    if (!start_through_pager(id, ip, sp)) {
        t.fail("%s: the thread did not take its pager's start message", what);
        return false;
    }
    return hear(t, id, utcb_location, stack, false, what);
}

/// Fails `t` unless ThreadControl(id, id, scheduler, pager, utcb) on an existing thread
/// returns 0 with ErrorCode `expected`.
bool refused_modify(TestContext& t, const char* what, ThreadId id, ThreadId pager, Word utcb, Error expected) {
    Word result = l4::thread_control(id, id, nil(), pager, utcb);
    Word error = l4::error_code();
    if (result == 0 && error == Word(expected)) return true;
    t.fail("%s: ThreadControl returned %u, ErrorCode %u, expected 0 and %u", what, result, error, Word(expected));
    return false;
}

/// Fails `t` unless creating a new thread (in a new space if `space` is nil) with these
/// arguments returns 0 with ErrorCode `expected`, and leaves no thread or space.
bool refused_create(TestContext& t, const char* what, ThreadId space, ThreadId scheduler, ThreadId pager, Word utcb,
                    Error expected) {
    ThreadId id = new_thread_id();
    KernelCounts before = kernel_counts();
    Word result = l4::thread_control(id, space.is_nil() ? id : space, scheduler, pager, utcb);
    Word error = l4::error_code();
    if (result != 0) {
        OwnedThread made;  // deleted again on the way out
        made.adopt(id);
        t.fail("%s: ThreadControl created the thread, expected ErrorCode %u", what, Word(expected));
        return false;
    }
    if (error != Word(expected)) {
        t.fail("%s: ErrorCode %u, expected %u", what, error, Word(expected));
        return false;
    }
    KernelCounts after = kernel_counts();
    if (after.threads != before.threads || after.spaces != before.spaces || state_of(id) != 0) {
        t.fail("%s: refused, but threads %u -> %u, spaces %u -> %u, its Schedule state %u", what, before.threads,
               after.threads, before.spaces, after.spaces, state_of(id));
        return false;
    }
    return true;
}

}  // namespace

// ---- l4.thread.control_three_calls -------------------------------------------------

void test_thread_control_three_calls(TestContext& t) {
    constexpr unsigned kSlot = 3;  // not the area's first UTCB: the location must be the one given
    OwnedThread thread;
    CHECK(t, create(thread, nil(), nil(), location(kSlot)),
          "call 1, ThreadControl(t, t, scheduler, nil, UTCB): ErrorCode %u", l4::error_code());
    ThreadId id = thread.id();
    if (!inactive(t, id, "after call 1")) return;
    Word ip;
    Word sp = prepare_stack(g_stacks[0] + kStackSize, reporter, location(kSlot), &ip);
    CHECK(t, !start_through_pager(id, ip, sp), "after call 1 the inactive thread took a start message");
    CHECK(t, configure(id), "call 2, SpaceControl: ErrorCode %u", l4::error_code());
    if (!inactive(t, id, "after call 2 (SpaceControl)")) return;
    CHECK(t, l4::thread_control(id, id, nil(), pager_thread(), kNoChange) == 1,
          "call 3, ThreadControl(t, t, nil, pager, -1): ErrorCode %u", l4::error_code());
    (void)start(t, id, location(kSlot), 0, "after call 3");
}

// ---- l4.thread.control_orderings ---------------------------------------------------

void test_thread_control_orderings(TestContext& t) {
    OwnedThread host;  // a configured space; its own thread stays inactive
    CHECK(t, create(host, nil(), nil(), kNoChange) && configure(host.id()), "host space: ErrorCode %u",
          l4::error_code());
    ThreadId pager = pager_thread();

    // (a) UTCB location at creation in a configured space, the pager later.
    OwnedThread a;
    CHECK(t, create(a, host.id(), nil(), location(1)), "(a) create with a UTCB location: ErrorCode %u",
          l4::error_code());
    if (!inactive(t, a.id(), "(a) created with a UTCB location")) return;
    CHECK(t, l4::thread_control(a.id(), a.id(), nil(), pager, kNoChange) == 1, "(a) the pager: ErrorCode %u",
          l4::error_code());
    if (!start(t, a.id(), location(1), 0, "(a) location at creation, pager later")) return;

    // (b) no location at creation; the location alone; then the pager alone.
    OwnedThread b;
    CHECK(t, create(b, host.id(), nil(), kNoChange), "(b) create: ErrorCode %u", l4::error_code());
    CHECK(t, l4::thread_control(b.id(), b.id(), nil(), nil(), location(2)) == 1,
          "(b) a UTCB location for the inactive thread: ErrorCode %u", l4::error_code());
    if (!inactive(t, b.id(), "(b) given a UTCB location without a pager")) return;
    CHECK(t, l4::thread_control(b.id(), b.id(), nil(), pager, kNoChange) == 1, "(b) the pager: ErrorCode %u",
          l4::error_code());
    if (!start(t, b.id(), location(2), 1, "(b) create, location, pager")) return;

    // (c) no location at creation; location and pager in one call.
    OwnedThread c;
    CHECK(t, create(c, host.id(), nil(), kNoChange), "(c) create: ErrorCode %u", l4::error_code());
    if (!inactive(t, c.id(), "(c) created")) return;
    CHECK(t, l4::thread_control(c.id(), c.id(), nil(), pager, location(3)) == 1,
          "(c) location and pager in one call: ErrorCode %u", l4::error_code());
    if (!start(t, c.id(), location(3), 2, "(c) location and pager together")) return;

    // (d) created active: pager and location at creation.
    OwnedThread d;
    CHECK(t, create(d, host.id(), pager, location(4)), "(d) create active: ErrorCode %u", l4::error_code());
    if (!start(t, d.id(), location(4), 3, "(d) created active")) return;

    // Every one still runs at its own UTCB; an active thread takes a new pager.
    if (!hear(t, a.id(), location(1), 0, true, "(a) later") || !hear(t, b.id(), location(2), 1, true, "(b) later") ||
        !hear(t, c.id(), location(3), 2, true, "(c) later") || !hear(t, d.id(), location(4), 3, true, "(d) later"))
        return;
    CHECK(t, l4::thread_control(d.id(), d.id(), nil(), main_thread(), kNoChange) == 1,
          "a new pager for an active thread: ErrorCode %u", l4::error_code());
    l4::ThreadRegisters regs;
    regs.control = l4::exreg::kDeliver;
    CHECK(t, !l4::exchange_registers(d.id(), regs).is_nil() && regs.pager == main_thread(),
          "after ThreadControl gave it pager %x, the active thread's pager is %x", main_thread().raw(),
          regs.pager.raw());
}

// ---- l4.thread.control_errors ------------------------------------------------------

namespace {

void refusals(TestContext& t) {
    OwnedThread host;
    CHECK(t, create(host, nil(), nil(), kNoChange) && configure(host.id()), "host space: ErrorCode %u",
          l4::error_code());
    ThreadId pager = pager_thread(), me = main_thread(), h = host.id();
    const Word misaligned = location(3) + 256;

    if (!refused_create(t, "a new thread without a scheduler", h, nil(), nil(), kNoChange, Error::InvalidThread) ||
        !refused_create(t, "a new space without a scheduler", nil(), nil(), nil(), kNoChange, Error::InvalidThread) ||
        !refused_create(t, "a new thread with a pager in a new space", nil(), me, pager, location(0),
                        Error::InvalidSpace) ||
        !refused_create(t, "a new thread with a pager, UTCB -1", h, me, pager, kNoChange, Error::UtcbArea) ||
        !refused_create(t, "a new inactive thread, UTCB past the area", h, me, nil(), kOutside, Error::UtcbArea) ||
        !refused_create(t, "a new active thread, UTCB past the area", h, me, pager, kOutside, Error::UtcbArea) ||
        !refused_create(t, "a new active thread, misaligned UTCB", h, me, pager, misaligned, Error::UtcbArea))
        return;

    // A pager for a thread that never got a UTCB location: refused, the thread stays
    // inactive, and the call with a location activates it.
    OwnedThread y;
    CHECK(t, create(y, h, nil(), kNoChange), "create y: ErrorCode %u", l4::error_code());
    if (!refused_modify(t, "a pager, no UTCB location ever", y.id(), pager, kNoChange, Error::UtcbArea) ||
        !inactive(t, y.id(), "after the refused pager"))
        return;
    CHECK(t, l4::thread_control(y.id(), y.id(), nil(), pager, location(1)) == 1,
          "y: location and pager after the refusal: ErrorCode %u", l4::error_code());
    if (!start(t, y.id(), location(1), 0, "y, activated after a refusal")) return;

    // z keeps location 2 through refused locations: past the area, misaligned, y's.
    OwnedThread z;
    CHECK(t, create(z, h, nil(), location(2)), "create z at location 2: ErrorCode %u", l4::error_code());
    if (!refused_modify(t, "z: UTCB past the area", z.id(), nil(), kOutside, Error::UtcbArea) ||
        !refused_modify(t, "z: misaligned UTCB", z.id(), nil(), misaligned, Error::UtcbArea) ||
        !refused_modify(t, "z: y's UTCB", z.id(), nil(), location(1), Error::UtcbArea) ||
        !refused_modify(t, "z: y's UTCB with a pager", z.id(), pager, location(1), Error::UtcbArea) ||
        !inactive(t, z.id(), "z after the refused locations") ||
        !refused_create(t, "a new active thread at y's UTCB", h, me, pager, location(1), Error::UtcbArea))
        return;
    CHECK(t, l4::thread_control(z.id(), z.id(), nil(), pager, kNoChange) == 1, "z: the pager: ErrorCode %u",
          l4::error_code());
    if (!start(t, z.id(), location(2), 1, "z, at the location it kept")) return;

    // An active thread's UTCB does not move; nor does the pager of the refused call come.
    if (!refused_modify(t, "y (active): another UTCB and a pager", y.id(), me, location(5), Error::UtcbArea)) return;
    l4::ThreadRegisters regs;
    regs.control = l4::exreg::kDeliver;
    CHECK(t, !l4::exchange_registers(y.id(), regs).is_nil() && regs.pager == pager,
          "the refused call changed y's pager to %x", regs.pager.raw());
    (void)hear(t, y.id(), location(1), 0, true, "y after the refused UTCB change");
}

}  // namespace

void test_thread_control_errors(TestContext& t) {
    KernelCounts before = kernel_counts();
    refusals(t);
    if (t.failed()) return;
    KernelCounts after = kernel_counts();
    (void)counts_back(t, before, after);
}

}  // namespace l4test
