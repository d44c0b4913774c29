// echo.cc: the echo server and the timed, checked client loop (see echo.h).
#include "echo.h"

#include "api/msg_tag.h"
#include "l4/ipc.h"
#include "l4/message.h"
#include "l4/sort.h"
#include "l4/utcb.h"
#include "os/eval_phases.h"
#include "os/os.h"

namespace pingpong {

namespace {

using api::MsgTag;

constexpr uint16_t kEchoLabel = 0x5E0;
constexpr uint16_t kWhereLabel = 0x5E1;
constexpr uint16_t kStopLabel = 0x5E2;
constexpr uint16_t kMoveLabel = 0x5E5;
constexpr uint16_t kAnswerLabel = 0x5E3;
constexpr uint16_t kRefusedLabel = 0x5E4;
constexpr Word kSalt = 0x5A5AC3C3;

/// The time-stamp counter. Only differences on the client's CPU are used.
inline uint64_t rdtsc() {
    uint32_t low, high;
    asm volatile("rdtsc" : "=a"(low), "=d"(high));
    return (uint64_t{high} << 32) | low;
}

/// Rounds `first` .. `first + rounds - 1`; their cycles, or 0 after filling in the
/// failure in `m`.
uint64_t timed_batch(ThreadId server, Word first, Word rounds, Measurement& m) {
    const Word request = MsgTag::make(kEchoLabel, 2, 0).raw();
    const Word answer = MsgTag::make(kAnswerLabel, 2, 0).raw();
    uint64_t start = rdtsc();
    for (Word i = first; i < first + rounds; ++i) {
        l4::set_mr(0, request);
        l4::set_mr(1, i);
        l4::set_mr(2, i ^ kSalt);
        MsgTag tag = l4::call(server);
        Word got1 = l4::mr(1), got2 = l4::mr(2);
        if (l4::ipc_failed(tag) || tag.without_flags().raw() != answer || got1 != i + 1 || got2 != ~(i ^ kSalt)) {
            m.failed_round = i;
            m.error_code = l4::ipc_failed(tag) ? l4::error_code() : 0;
            m.got[0] = got1;
            m.got[1] = got2;
            m.expected[0] = i + 1;
            m.expected[1] = ~(i ^ kSalt);
            return 0;
        }
    }
    uint64_t cycles = rdtsc() - start;
    return cycles != 0 ? cycles : 1;
}

}  // namespace

void serve(Word) {
    ThreadId from = ThreadId::nil();
    MsgTag tag = l4::receive(ThreadId::any(), &from);
    for (;;) {
        if (l4::ipc_failed(tag)) {
            tag = l4::receive(ThreadId::any(), &from);
            continue;
        }
        if (tag.label() == kEchoLabel && tag.untyped() == 2 && tag.typed() == 0) {
            l4::set_mr(1, l4::mr(1) + 1);
            l4::set_mr(2, ~l4::mr(2));
            l4::set_mr(0, MsgTag::make(kAnswerLabel, 2, 0).raw());
        } else if (tag.label() == kWhereLabel || (tag.label() == kMoveLabel && tag.untyped() == 1)) {
            // The OS moves only a task's own threads, so the server moves itself.
            if (tag.label() == kMoveLabel) (void)os::migrate_thread(l4::my_global_id(), unsigned(l4::mr(1)));
            l4::set_mr(1, l4::processor_no());
            l4::set_mr(0, MsgTag::make(kAnswerLabel, 1, 0).raw());
        } else if (tag.label() == kStopLabel) {
            l4::load_empty(kAnswerLabel);
            (void)l4::send(from, api::Time::zero());
            return;
        } else {
            l4::load_empty(kRefusedLabel);
        }
        tag = l4::reply_wait(from, &from);
    }
}

Word server_cpu(ThreadId server) {
    l4::load_empty(kWhereLabel);
    MsgTag tag = l4::call(server, l4::milliseconds(2000), l4::milliseconds(2000));
    return l4::ipc_failed(tag) || tag.label() != kAnswerLabel || tag.untyped() != 1 ? ~Word{0} : l4::mr(1);
}

Word move_server(ThreadId server, Word cpu) {
    l4::load_words(kMoveLabel, {cpu});
    MsgTag tag = l4::call(server, l4::milliseconds(2000), l4::milliseconds(2000));
    return l4::ipc_failed(tag) || tag.label() != kAnswerLabel || tag.untyped() != 1 ? ~Word{0} : l4::mr(1);
}

bool stop_server(ThreadId server) {
    l4::load_empty(kStopLabel);
    MsgTag tag = l4::call(server, l4::milliseconds(2000), l4::milliseconds(2000));
    return !l4::ipc_failed(tag) && tag.label() == kAnswerLabel;
}

Measurement measure(ThreadId server, Word batches, Word rounds, unsigned case_index) {
    Measurement m{};
    if (batches > kMaxBatches) batches = kMaxBatches;
    if (batches == 0 || rounds == 0) return m;
    Word next = 0;
    if (timed_batch(server, next, rounds, m) == 0) return m;
    next += rounds;
    uint64_t per_round[kMaxBatches];
    uint64_t total = 0;
    using os::eval::kPingpongCases, os::eval::kPingpongFirstPhase;
    os::eval::mark_indexed<kPingpongFirstPhase, kPingpongCases, false>(case_index);
    for (Word b = 0; b < batches; ++b, next += rounds) {
        uint64_t cycles = timed_batch(server, next, rounds, m);
        if (cycles == 0) {
            os::eval::mark_indexed<kPingpongFirstPhase, kPingpongCases, true>(case_index);
            return m;
        }
        total += cycles;
        per_round[b] = cycles / rounds;
    }
    os::eval::mark_indexed<kPingpongFirstPhase, kPingpongCases, true>(case_index);
    l4::sort_samples(per_round, batches);
    m.ok = true;
    m.min = per_round[0];
    m.median = batches % 2 == 1 ? per_round[batches / 2] : (per_round[batches / 2 - 1] + per_round[batches / 2]) / 2;
    m.mean = total / (uint64_t{batches} * rounds);
    return m;
}

}  // namespace pingpong
