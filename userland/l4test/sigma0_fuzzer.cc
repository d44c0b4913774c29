// sigma0_fuzzer.cc: random messages to sigma0 (rules in sigma0_fuzzer.h).
#include "sigma0_fuzzer.h"

#include "api/fpage.h"
#include "api/msg_tag.h"
#include "l4/ipc.h"
#include "l4/message.h"
#include "l4/prng.h"
#include "l4/sigma0_client.h"
#include "l4/utcb.h"

namespace l4test {

namespace {

using api::Fpage;
using api::ThreadId;
using api::Word;

constexpr Word kHigh = 0xC0000000;        // 3 GiB: no preset has memory from here up
constexpr Word kAnyBase = l4::sigma0::kAnyBase & ~Word{0x3FF};  // the base bits of "any page"

uint16_t random_label(l4::Prng& random) {
    uint16_t access = uint16_t(random.below(8));
    switch (random.below(5)) {
    case 0: return uint16_t(api::kLabelPageFault | access);
    case 1: return api::kLabelSigma0;
    case 2: return uint16_t(api::kLabelIoFault | access);
    case 3: return uint16_t(api::kLabelSigma0 | access);  // sigma0's label with stray low bits
    default: return uint16_t(random.next());
    }
}

/// An fpage sigma0 must not answer with memory (sigma0_fuzzer.h); sets *any when it is
/// "any page", which may then be asked for only on a node no machine has.
Word refused_fpage(l4::Prng& random, bool* any) {
    *any = false;
    switch (random.below(6)) {
    case 0: return Fpage::nil().raw();
    case 1: return (random.next() & ~Word{0x3F0}) | (random.below(12) << 4);       // log2 below 12
    case 2: return (random.next() & ~Word{0x3F0}) | ((32 + random.below(31)) << 4);  // above 31
    case 3: {
        // 12..30, aligned at or above kHigh; bit 12 clear, or base ~0 would mean "any".
        unsigned log2 = 12 + unsigned(random.below(19));
        Word base = (random.next() | kHigh) & ~(Word{1} << 12);
        return Fpage::memory(base, log2, api::rights_from_bits(random.next())).raw();
    }
    case 4:
        *any = true;
        return kAnyBase | ((12 + random.below(20)) << 4) | (random.next() & 0xF);
    default: return api::IoFpage::make(uint16_t(random.next()), unsigned(random.below(17))).raw();
    }
}

/// Fills the message registers; returns whether sigma0 must answer the message.
bool load_message(l4::Prng& random, uint16_t label) {
    Word untyped;
    switch (random.below(4)) {
    case 0: untyped = random.below(3); break;
    case 1: untyped = random.below(64); break;
    default: untyped = 2; break;
    }
    Word typed = random.one_in(8) ? 2 * (1 + random.below(2)) : 0;
    if (untyped + typed > 63) typed = 0;
    for (Word i = 1; i <= untyped + typed; ++i) l4::set_mr(i, random.next());
    bool any = false;
    if (api::is_fault_label(label, api::kLabelPageFault)) {
        l4::set_mr(1, random.next() | kHigh);
    } else {
        l4::set_mr(1, refused_fpage(random, &any));
        // "Any page" is refused only on a node that does not exist (64..255); any other
        // MR2 is fair when the fpage is refused anyway.
        if (any) {
            l4::set_mr(2, l4::sigma0::on_node(64 + unsigned(random.below(192))));
            if (untyped < 2) untyped = 2;
        }
    }
    l4::set_mr(0, api::MsgTag::make(label, unsigned(untyped), unsigned(typed)).raw());
    if (untyped == 0) return false;
    if (label == api::kLabelSigma0) return true;
    return api::is_fault_label(label, api::kLabelIoFault) && api::IoFpage::try_from(Fpage::from_raw(l4::mr(1))).ok();
}

/// Counts the answer in MR0.. (tag).
void count_answer(api::MsgTag tag, Sigma0FuzzCounts& counts) {
    Fpage answer = Fpage::from_raw(tag.typed() >= 2 ? l4::mr(tag.untyped() + 2) : 0);
    if (answer.is_nil()) ++counts.refused;
    else if (answer.is_io()) ++counts.ports;
    else ++counts.memory;
}

}  // namespace

Sigma0FuzzCounts fuzz_sigma0(ThreadId sigma0, Word messages, Word seed) {
    l4::Prng random(seed);
    Sigma0FuzzCounts counts{};
    for (Word i = 0; i < messages; ++i) {
        bool must_answer = load_message(random, random_label(random));
        // Mappings accepted anywhere, now and then: memory sigma0 sent would be mapped.
        l4::set_br(0, random.one_in(4) ? Fpage::complete().raw() : 0);
        bool look = must_answer || random.one_in(16);
        // Sigma0 answers at once; a second is for a loaded host. A message it ignores is
        // looked after for a millisecond (a timer tick).
        api::MsgTag tag = look ? l4::call(sigma0, l4::milliseconds(1000), l4::milliseconds(must_answer ? 1000 : 1))
                               : l4::send(sigma0, l4::milliseconds(1000));
        if (!l4::ipc_failed(tag)) {
            ++counts.sent;
            if (!look) continue;
            if (must_answer) count_answer(tag, counts);
            else ++counts.stray;
            continue;
        }
        api::IpcErrorCode error = l4::ipc_error();
        if (error.phase() == api::IpcPhase::Send) {
            ++counts.failed;
            continue;
        }
        ++counts.sent;
        if (must_answer && error.error() == api::IpcError::MessageOverflow) ++counts.unaccepted;
        else if (must_answer) ++counts.missing;
        else if (error.error() != api::IpcError::Timeout) ++counts.stray;
    }
    l4::set_br(0, 0);
    return counts;
}

}  // namespace l4test
