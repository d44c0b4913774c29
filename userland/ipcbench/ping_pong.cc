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

/// `rounds` round trips; the cycles they took, or 0 if a Call failed.
uint64_t timed_batch(ThreadId server, Word words, Word rounds) {
    const Word request = MsgTag::make(kRequestLabel, words, 0).raw();
    uint64_t start = rdtsc();
    for (Word i = 0; i < rounds; ++i) {
        // MR0 now holds the last answer's tag; MR1, MR2 go back and forth unchanged.
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
        if (tag.label() == kWhereLabel) {
            l4::set_mr(1, l4::processor_no());
            l4::set_mr(0, MsgTag::make(kAnswerLabel, 1, 0).raw());
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
    if (batches == 0 || rounds == 0) return result;
    for (Word i = 1; i <= words; ++i) l4::set_mr(i, 0xB0B0B0B0 + i);
    if (timed_batch(server, words, rounds) == 0) {
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
    l4::sort_samples(per_round, batches);
    result.ok = true;
    result.min = per_round[0];
    result.median = batches % 2 == 1 ? per_round[batches / 2]
                                     : (per_round[batches / 2 - 1] + per_round[batches / 2]) / 2;
    result.mean = total / (uint64_t{batches} * rounds);
    return result;
}

}  // namespace ipcbench
