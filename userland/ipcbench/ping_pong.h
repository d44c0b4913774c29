// ping_pong.h: the measured exchange: an echo server and a client that times batches
// of IPC round trips with the processor's time-stamp counter (rdtsc).
//
// One round trip is one Call from the client (send, then receive from the server only)
// answered by one ReplyWait of the server (send the answer with a zero send timeout,
// then receive from anybody). Both messages are untyped words only: MR0 the tag and
// `words` untyped words (0 to 63: MR1 .. MR63, all of the UTCB's 64 message registers
// after the tag); the server sends the same words back. Nothing else is done per
// round, so a batch's cycles over its rounds are the cost of two IPCs: two system
// calls through the KIP stubs and, between spaces, two address-space switches.
//
// Two other requests are answered outside the measured rounds: server_cpu()'s question
// (the CPU the server runs on, so the client can check that Schedule put the server
// where the case wants it), and the echo check before and after each measurement,
// which the server answers with the complement of every word it received, so words
// the kernel did not carry both ways cannot pass for an echo.
#pragma once

#include <stdint.h>

#include "api/msg_tag.h"
#include "api/thread_id.h"
#include "api/word.h"

namespace ipcbench {

using api::ThreadId;
using api::Word;

/// The largest message a measurement may use: MR1 .. MR63.
inline constexpr Word kMaxWords = api::kNumMessageRegisters - 1;

/// The server's thread function (the argument is unused): answers every request with
/// as many untyped words as it had, for ever.
void echo_server(Word);

/// Asks `server` which CPU it runs on; ~0 if the call failed.
[[nodiscard]] Word server_cpu(ThreadId server);

/// What one measurement found: cycles per round trip over the batches.
struct RoundTripCycles {
    bool ok;          ///< false: a Call failed (error_code says why) or the echo was wrong
    bool echo_wrong;  ///< the echo check found a word (or the count) not sent back
    Word error_code;  ///< ErrorCode of the failed Call
    uint64_t median;  ///< median over the batches of each batch's cycles per round trip
    uint64_t min;
    uint64_t mean;    ///< all measured cycles over all measured round trips
};

inline constexpr unsigned kMaxBatches = 64;

/// The time-stamp counter: cycles since reset. Only differences taken on one CPU are
/// used (the client's), so the counters of different CPUs need not agree.
inline uint64_t rdtsc() {
    uint32_t low, high;
    asm volatile("rdtsc" : "=a"(low), "=d"(high));
    return (uint64_t{high} << 32) | low;
}

/// The echo check, one warm-up batch (pages in the server's code and stack, fills
/// caches and TLBs), then `batches` batches of `rounds` round trips with `words`
/// (at most kMaxWords) untyped words each, then the echo check again.
[[nodiscard]] RoundTripCycles measure_round_trips(ThreadId server, Word words, Word batches, Word rounds);

}  // namespace ipcbench
