// space_mover.h: what the tests of moving a thread into another space share
// (space_move_tests.cc, space_move_ipc_tests.cc, space_move_sleep_tests.cc): the
// moved thread's UTCB slot and stack, spaces made by hand or from a CPU of another
// node, a move that retries while the kernel answers InvalidThread, the wait for a
// moved thread to show progress, and the kernel's view (kdebug) of which space a
// thread is in.
#pragma once

#include "api/thread_id.h"
#include "api/word.h"
#include "l4/ipc.h"
#include "l4/kdebug.h"
#include "l4/message.h"
#include "l4/system.h"
#include "test_case.h"
#include "test_space.h"
#include "threads.h"

namespace l4test {

constexpr unsigned kMoverSlot = 1;                  // the mover's UTCB slot in kChildUtcbArea
constexpr uint64_t kProgressLimitUs = 20'000'000;  // no progress for this long: stuck
constexpr Word kHandle = 0x600DF00D;                // the movers' user-defined handle
constexpr uint16_t kOrderLabel = 0x4D02, kDoneLabel = 0x4D03;  // a helper thread's order, answer

/// Naps a millisecond at a time until done() returns true (then true) or until
/// kProgressLimitUs of the system clock pass without it (then false): how the tests
/// wait for a moved thread to show progress, by the clock, not by a count of naps
/// (a loaded host stretches naps).
template <typename Done>
[[nodiscard]] bool progress_within_limit(Done done) {
    for (uint64_t start = l4::system_clock(); !done();) {
        if (l4::system_clock() - start > kProgressLimitUs) return false;
        (void)l4::sleep(l4::milliseconds(1));
    }
    return true;
}

/// Why the last of the helpers below that returned false failed.
[[nodiscard]] const char* why_not();
/// InvalidThread answers move() retried since the last reset_retries().
[[nodiscard]] Word retries();
void reset_retries();

/// The mover's UTCB address (slot kMoverSlot of kChildUtcbArea).
[[nodiscard]] Word mover_utcb();
[[nodiscard]] unsigned number(ThreadId id);
[[nodiscard]] unsigned statistic(l4::kdebug::Statistic which);
/// A thread function that sleeps for ever.
void idle(Word);

/// Makes `thread` an inactive thread in a new space; with `utcb_area` != 0 the space
/// is configured as TestSpace configures one, but with its UTCB area there.
[[nodiscard]] bool make_space(OwnedThread& thread, Word utcb_area);
/// Starts the mover: UTCB slot kMoverSlot, a stack of its own, started by the pager, in
/// the space of thread `space` (nil: in a configured space of its own).
[[nodiscard]] bool start_mover(OwnedThread& mover, ThreadId space, ThreadFunction function, Word arg);

/// A CPU on another node than the main thread's; without one, the main thread's CPU.
[[nodiscard]] Word cpu_of_other_node();
/// Creates `space` (its thread runs function(0)) from CPU `cpu`: a space's home node
/// is the node of the CPU whose ThreadControl creates it.
[[nodiscard]] bool create_space_on(TestSpace& space, Word cpu, ThreadFunction function);

/// ThreadControl(thread, into) leaving scheduler, pager and UTCB: 1, or 0 with the
/// ErrorCode in *error. InvalidThread (the thread sends to another CPU) is retried.
[[nodiscard]] Word move(ThreadId thread, ThreadId into, Word* error);
/// Fails `t` unless the kernel has `thread` in the space of `member`: the frame behind
/// its UTCB address, its space's home node and its UTCB's node are that space's.
[[nodiscard]] bool check_in_space(TestContext& t, ThreadId thread, ThreadId member, const char* space, Word moves);

}  // namespace l4test
