// fuzzer.cc: the random system calls (rules in fuzzer.h).
#include "fuzzer.h"

#include "api/fpage.h"
#include "api/thread_id.h"
#include "api/time.h"
#include "l4/ipc.h"
#include "l4/kip.h"
#include "l4/prng.h"
#include "l4/space.h"
#include "l4/system.h"
#include "l4/thread.h"
#include "l4/utcb.h"

namespace l4test {

namespace {

using api::Fpage;
using api::ThreadId;
using api::Word;

constexpr Word kProtectedNumbers = 4096;  // UserBase .. UserBase + this: the root task's

ThreadId random_id(l4::Prng& random) {
    ThreadId me = l4::my_global_id();
    ThreadId id;
    switch (random.below(8)) {
    case 0: id = ThreadId::nil(); break;
    case 1: id = ThreadId::any(); break;
    case 2: id = ThreadId::any_local(); break;
    case 3: id = me; break;
    case 4: id = l4::my_local_id(); break;
    case 5: id = ThreadId::from_raw(random.next() & ~Word{0x3F}); break;
    default: id = ThreadId::from_raw(random.next()); break;
    }
    if (id.is_global() && !id.is_any() && id != me) {
        Word base = l4::kip().thread_info.user_base();
        if (id.number() < base + kProtectedNumbers)
            id = ThreadId::from_raw(id.raw() | (Word{1} << 31));  // number >= 2^17
    }
    return id;
}

Word random_fpage(l4::Prng& random) {
    switch (random.below(4)) {
    case 0: return Fpage::memory(random.next(), 12 + random.below(21), api::rights_from_bits(random.next())).raw();
    case 1: return api::IoFpage::make(static_cast<uint16_t>(random.next()), random.below(17)).raw();
    default: return random.next();
    }
}

api::Timeouts short_timeouts(l4::Prng& random) {
    auto pick = [&] { return random.one_in(2) ? api::Time::zero() : api::Time::period(random.below(1024), 0); };
    api::Time send = pick(), receive = pick();
    // A period with mantissa 0 and exponent 0 is "never": do not wait for ever.
    if (send.is_never()) send = api::Time::zero();
    if (receive.is_never()) receive = api::Time::zero();
    return api::Timeouts::make(send, receive);
}

void fill_message_registers(l4::Prng& random) {
    Word count = random.below(64);
    l4::set_mr(0, random.next());
    for (Word i = 1; i <= count; ++i) l4::set_mr(i, random.one_in(3) ? random_fpage(random) : random.next());
    l4::set_br(0, random.one_in(2) ? 0 : random.next());
}

void one_call(l4::Prng& random) {
    switch (random.below(11)) {
    case 0:
        fill_message_registers(random);
        (void)l4::ipc(random_id(random), random_id(random), short_timeouts(random), nullptr);
        break;
    case 1:
        fill_message_registers(random);
        (void)l4::lipc(random_id(random), random_id(random), short_timeouts(random), nullptr);
        break;
    case 2:
        (void)l4::thread_control(random_id(random), random_id(random), random_id(random), random_id(random),
                                 random.next());
        break;
    case 3:
        (void)l4::space_control(random_id(random), random.next(), Fpage::from_raw(random_fpage(random)),
                                Fpage::from_raw(random_fpage(random)), random_id(random));
        break;
    case 4:
        (void)l4::processor_control(random.next(), random.next(), random.next(), random.next());
        break;
    case 5: {
        const Word attributes[4] = {random.next(), random.next(), random.next(), random.next()};
        fill_message_registers(random);
        (void)l4::memory_control(random.next(), attributes);
        break;
    }
    case 6: {
        ThreadId dest = random_id(random);
        l4::ThreadRegisters regs{random.next(), random.next(), random.next(),
                                 random.next(), random.next(), random_id(random)};
        if (dest == l4::my_global_id() || dest == l4::my_local_id())
            regs.control &= l4::exreg::kDeliver | l4::exreg::kSetUserHandle;
        (void)l4::exchange_registers(dest, regs);
        break;
    }
    case 7:
        (void)l4::schedule(random_id(random), random.next(), random.next(), random.next(), random.next());
        break;
    case 8:
        l4::thread_switch(random_id(random));
        break;
    case 9:
        fill_message_registers(random);
        l4::unmap(random.next() & (l4::kUnmapFlush | 0x3F));
        break;
    default:
        (void)l4::system_clock();
        break;
    }
}

}  // namespace

Word fuzz_system_calls(Word calls, Word seed) {
    l4::Prng random(seed);
    for (Word i = 0; i < calls; ++i) one_call(random);
    l4::set_br(0, 0);
    return calls;
}

}  // namespace l4test
