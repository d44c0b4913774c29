// echo.h: pingpong's protocol: an echo server and a client that times checked round
// trips to it with the time-stamp counter.
//
// One round trip is one Call of the client (send, then receive from the server only)
// and one ReplyWait of the server (answer with a zero send timeout, then receive from
// anybody): two IPCs. The thesis (5.3) reports cycles per IPC; pingpong does the same,
// as half of a round trip's cycles.
//
// Every request carries two untyped words, the round's number i and i ^ kSalt; the
// answer must carry i + 1 and ~(i ^ kSalt) under the answer label, so an answer that is
// lost, stale, misrouted or unchanged is caught (the check costs a few instructions per
// round, the same in every case). Besides echoing, the server says which CPU it runs on
// (the client checks that a thread was placed where a case wants it), moves itself to
// another CPU, and stops when asked to (the spawned server task then exits).
#pragma once

#include <stdint.h>

#include "api/thread_id.h"
#include "api/word.h"

namespace pingpong {

using api::ThreadId;
using api::Word;

/// Serves requests until a stop request; returns after answering it (a thread function
/// for os::create_thread, whose threads then sleep; the argument is unused).
void serve(Word);

/// The CPU `server` runs on, or ~0 if it did not answer properly.
[[nodiscard]] Word server_cpu(ThreadId server);

/// Asks `server` to move itself to `cpu` (os::migrate_thread moves only the caller's
/// own task's threads); the CPU it runs on afterwards, or ~0 if it did not answer.
[[nodiscard]] Word move_server(ThreadId server, Word cpu);

/// Asks the server to stop; false if it did not acknowledge.
bool stop_server(ThreadId server);

/// What a measurement found. Cycles are per round trip, each batch's average.
struct Measurement {
    bool ok;             ///< false: a Call failed or an answer was wrong (see below)
    Word failed_round;   ///< the round of the failure
    Word error_code;     ///< ErrorCode of a failed Call, or 0 for a wrong answer
    Word got[2];         ///< the wrong answer's words
    Word expected[2];    ///< what they should have been
    uint64_t median;     ///< median over the batches
    uint64_t min;        ///< the least batch
    uint64_t mean;       ///< all cycles over all measured round trips
};

inline constexpr unsigned kMaxBatches = 64;

/// One warm-up batch (pages in code and stacks, fills QEMU's translation cache), then
/// `batches` timed batches of `rounds` checked round trips each. The timed batches are
/// numaprof phase kPingpongFirstPhase + case_index (os/eval_phases.h).
[[nodiscard]] Measurement measure(ThreadId server, Word batches, Word rounds, unsigned case_index);

}  // namespace pingpong
