// ping_pong.cc: the echo server and the timed client loop (see ping_pong.h).
#include "ping_pong.h"

#include "api/msg_tag.h"
#include "l4/ipc.h"
#include "l4/message.h"
#include "l4/sort.h"
#include "l4/utcb.h"

namespace ipcbench {

namespace {

using api::MsgTag;

constexpr uint16_t kWhereLabel = 0xB0;
constexpr uint16_t kRequestLabel = 0xB1;
constexpr uint16_t kAnswerLabel = 0xB2;
constexpr uint16_t kCheckLabel = 0xB3;

/// What the client puts in MR(i), 1 <= i <= 63.
constexpr Word pattern(Word i) { return 0xB0B0B0B0 + i; }

/// The server's answer to anything but a measured request: where it runs, or the
/// complement of the words it received. Leaves the answer's tag in MR0. Out of line,
/// so that the measured path stays one compare (the compiler would test these labels
/// first otherwise).
[[gnu::noinline, gnu::cold]] void answer_other(MsgTag tag) {
    Word words = 0;
    if (tag.label() == kWhereLabel) {
        l4::set_mr(1, l4::processor_no());
        words = 1;
    } else if (tag.label() == kCheckLabel) {
        words = tag.untyped();
        for (Word i = 1; i <= words; ++i) l4::set_mr(i, ~l4::mr(i));
    }
    l4::set_mr(0, MsgTag::make(kAnswerLabel, words, 0).raw());
}

/// The echo check: MR1 .. MR(words) must come back complemented by the server (so
/// the kernel carried every word there and back), with the count they went with.
/// Leaves the pattern in MR1 .. MR(words). False with error_code() set if the Call
/// failed; false with `*wrong` set if the answer was not the echo.
bool echo_intact(ThreadId server, Word words, bool* wrong) {
    for (Word i = 1; i <= words; ++i) l4::set_mr(i, pattern(i));
    l4::set_mr(0, MsgTag::make(kCheckLabel, words, 0).raw());
    MsgTag tag = l4::call(server, l4::milliseconds(2000), l4::milliseconds(2000));
    if (l4::ipc_failed(tag)) return false;
    bool intact = tag.label() == kAnswerLabel && tag.untyped() == words && tag.typed() == 0;
    for (Word i = 1; i <= words; ++i) {
        if (l4::mr(i) != ~pattern(i)) intact = false;
        l4::set_mr(i, pattern(i));
    }
    *wrong = !intact;
    return intact;
}

/// `rounds` round trips; the cycles they took, or 0 if a Call failed.
uint64_t timed_batch(ThreadId server, Word words, Word rounds) {
    const Word request = MsgTag::make(kRequestLabel, words, 0).raw();
    uint64_t start = rdtsc();
    for (Word i = 0; i < rounds; ++i) {
        // MR0 now holds the last answer's tag; MR1 .. MR(words) go back and forth
        // unchanged.
        l4::set_mr(0, request);
        if (l4::ipc_failed(l4::call(server))) return 0;
    }
    uint64_t cycles = rdtsc() - start;
    return cycles != 0 ? cycles : 1;
}

}  // namespace

void echo_server(Word) {
    ThreadId from = ThreadId::nil();
    MsgTag tag = l4::receive(ThreadId::any(), &from);
    for (;;) {
        if (l4::ipc_failed(tag)) {
            tag = l4::receive(ThreadId::any(), &from);
            continue;
        }
        // One compare on the measured path; the rest is answer_other()'s.
        if (tag.label() != kRequestLabel) {
            answer_other(tag);
        } else {
            l4::set_mr(0, MsgTag::make(kAnswerLabel, tag.untyped(), 0).raw());
        }
        tag = l4::reply_wait(from, &from);
    }
}

Word server_cpu(ThreadId server) {
    l4::set_mr(0, MsgTag::make(kWhereLabel, 0, 0).raw());
    MsgTag tag = l4::call(server, l4::milliseconds(2000), l4::milliseconds(2000));
    return l4::ipc_failed(tag) || tag.untyped() != 1 ? ~Word{0} : l4::mr(1);
}

RoundTripCycles measure_round_trips(ThreadId server, Word words, Word batches, Word rounds) {
    RoundTripCycles result{};
    if (batches > kMaxBatches) batches = kMaxBatches;
    if (batches == 0 || rounds == 0 || words > kMaxWords) return result;
    if (!echo_intact(server, words, &result.echo_wrong) || timed_batch(server, words, rounds) == 0) {
        result.error_code = l4::error_code();
        return result;
    }
    uint64_t per_round[kMaxBatches];
    uint64_t total = 0;
    for (Word b = 0; b < batches; ++b) {
        uint64_t cycles = timed_batch(server, words, rounds);
        if (cycles == 0) {
            result.error_code = l4::error_code();
            return result;
        }
        total += cycles;
        per_round[b] = cycles / rounds;
    }
    if (!echo_intact(server, words, &result.echo_wrong)) {
        result.error_code = l4::error_code();
        return result;
    }
    l4::sort_samples(per_round, batches);
    result.ok = true;
    result.min = per_round[0];
    result.median = batches % 2 == 1 ? per_round[batches / 2]
                                     : (per_round[batches / 2 - 1] + per_round[batches / 2]) / 2;
    result.mean = total / (uint64_t{batches} * rounds);
    return result;
}

}  // namespace ipcbench
