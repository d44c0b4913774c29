// space_move_sleep_tests.cc: a thread that sleeps in short timeouts is moved into
// another space and to another CPU, over and over, as the NUMA OS moves a thread to
// another node (Lab 7: ThreadControl into the node's space, then Schedule to the CPU).
//
// Its sleep is an IPC receive with a deadline: the move finds it blocked almost every
// time, and its deadline must go with it (kernel/thread/migration.cc: hand_over keeps
// it, the new CPU re-arms it in adopt) or it never wakes. The NUMA OS's thread test
// (ostest mode=threads) once saw a moved thread never report again; this is the
// kernel's half of that run, without the pagers.
//
//   l4.thread.move_space_sleeping  a thread naps 1 ms at a time (a timer tick, 10 ms)
//                                  while it is moved between two spaces (on two nodes
//                                  where there are two) and round the CPUs 200 times,
//                                  each move at another moment of its nap; after each
//                                  it must nap twice more. A thread that stops is
//                                  described by the kernel (kdebug op 0x54) in the log.
#include "l4/ipc.h"
#include "l4/kdebug.h"
#include "l4/kip.h"
#include "l4/message.h"
#include "l4/system.h"
#include "l4/thread.h"
#include "space_mover.h"
#include "test_case.h"
#include "test_space.h"
#include "threads.h"

namespace l4test {

namespace {

volatile Word g_naps;  // naps the mover finished

void napper(Word) {
    for (;;) {
        (void)l4::sleep(l4::milliseconds(1));
        g_naps = g_naps + 1;
    }
}

/// True once the mover has napped twice more than `seen` (one nap wholly after now).
bool naps_on(Word seen) {
    return progress_within_limit([seen] { return g_naps >= seen + 2; });
}

}  // namespace

void test_space_move_sleeping(TestContext& t) {
    constexpr Word kMoves = 200;
    Word here = l4::processor_no(), cpus = l4::processor_count();
    TestSpace a, b;
    CHECK(t, a.create(idle, 0), "create space A: %s", a.error());
    CHECK(t, create_space_on(b, cpu_of_other_node(), idle), "create space B: %s", why_not());
    g_naps = 0;
    reset_retries();
    OwnedThread mover;
    CHECK(t, start_mover(mover, a.id(), napper, 0), "start the mover in A: %s", why_not());
    CHECK(t, naps_on(0), "the mover never napped");
    for (Word moves = 1; moves <= kMoves; ++moves) {
        bool to_b = moves % 2 == 1;
        Word cpu = (here + moves) % cpus, error = 0, seen = g_naps;
        // Each move a little later in the mover's nap than the one before.
        for (Word spin = 0; spin < (moves % 10) * 2000; ++spin) asm volatile("" ::: "memory");
        CHECK(t, move(mover.id(), to_b ? b.id() : a.id(), &error) == 1, "move %u into %s failed, ErrorCode %u",
              moves, to_b ? "B" : "A", error);
        CHECK(t, l4::set_processor(mover.id(), cpu) != 0, "move %u: Schedule to CPU %u failed, ErrorCode %u", moves,
              cpu, l4::error_code());
        if (!naps_on(seen)) {
            (void)l4::kdebug::describe_thread(number(mover.id()));
            t.fail("after move %u (into %s, to CPU %u) the mover stopped napping (%u naps; the kernel's view of it "
                   "is in the log)",
                   moves, to_b ? "B" : "A", cpu, g_naps);
            return;
        }
    }
    t.note("l4.thread.move_space_sleeping: %u moves, %u naps, %u InvalidThread retries", unsigned(kMoves),
           unsigned(g_naps), unsigned(retries()));
}

}  // namespace l4test
