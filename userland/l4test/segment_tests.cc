// segment_tests.cc: what the kernel does with a thread's DS and ES
// (kernel/arch/ia32/save_frame.h).
//
// The kernel runs with the flat user data segment in DS and ES, and does not
// save a thread's own: every entry to the kernel loads the flat segment into
// both, and the way back leaves it there. A thread that loaded another
// selector (the null selector, or its UTCB segment, valid but with another
// base) must not be able to make the kernel use it, and finds the flat
// segment again after its next system call or interrupt.
//
//   l4.abi.data_segments  with DS and ES null, and then with both the UTCB
//                         segment (GS's selector): an Ipc with neither phase
//                         (the general path), a Call to an echo server (the
//                         fast path when it is on), and a wait without system
//                         calls until an interrupt (the timer's) enters the
//                         kernel. The kernel survives each, and the thread
//                         comes back with SS's selector, the flat user data
//                         segment, in DS and ES.
#include "api/msg_tag.h"
#include "l4/ipc.h"
#include "l4/kip.h"
#include "l4/thread.h"
#include "test_case.h"
#include "threads.h"

namespace l4test {

namespace {

using api::MsgTag;

struct Segments {
    Word ds, es;
};

/// An Ipc through the KIP's stub with DS and ES set to `selector` before it
/// (the stub reads memory only through SS). Returns DS and ES as the thread
/// finds them after it, and the Ipc's tag in `answer`. Every general register
/// is taken, so the stub's address and the selector come through memory, read
/// before DS changes and through SS after.
Segments ipc_with_segments(Word selector, Word to, Word from, Word tag, MsgTag* answer) {
    Word block[2] = {l4::stub(l4::kip().ipc), selector};
    Word* utcb = l4::utcb_pointer();
    Word timeouts = 0;  // never, both phases
    Word* pointer = block;
    asm volatile(
        "pushl %%ebp\n\t"
        "pushl %%ds\n\t"
        "pushl %%es\n\t"
        "movw 4(%%ebx), %%es\n\t"
        "movw 4(%%ebx), %%ds\n\t"
        "movl %%ss:(%%ebx), %%ebx\n\t"
        "call *%%ebx\n\t"
        "movw %%ds, %%cx\n\t"
        "movw %%es, %%dx\n\t"
        "popl %%es\n\t"
        "popl %%ds\n\t"
        "popl %%ebp"
        : "+a"(to), "+c"(timeouts), "+d"(from), "+S"(tag), "+D"(utcb), "+b"(pointer)
        :
        : "memory", "cc");
    *answer = MsgTag::from_raw(tag);
    return {timeouts & 0xFFFF, from & 0xFFFF};
}

/// DS and ES set to `selector`, then no system call: a loop on registers
/// alone until DS reads as something else, which only an entry to the kernel
/// (an interrupt) makes it. Returns DS and ES then, or DS `selector` when no
/// interrupt came within `spins` rounds.
Segments wait_for_interrupt_with_segments(Word selector, Word spins) {
    Word ds = selector, es = 0;
    asm volatile(
        "pushl %%ds\n\t"
        "pushl %%es\n\t"
        "movw %w[ds], %%ds\n\t"
        "movw %w[ds], %%es\n"
        "1:\n\t"
        "movw %%ds, %w[es]\n\t"
        "cmpw %w[ds], %w[es]\n\t"
        "jne 2f\n\t"
        "decl %[spins]\n\t"
        "jnz 1b\n"
        "2:\n\t"
        "movw %%ds, %w[ds]\n\t"
        "movw %%es, %w[es]\n\t"
        "popl %%es\n\t"
        "popl %%ds"
        : [ds] "+r"(ds), [es] "+r"(es), [spins] "+r"(spins)
        :
        : "memory", "cc");
    return {ds & 0xFFFF, es & 0xFFFF};
}

}  // namespace

void test_abi_data_segments(TestContext& t) {
    Word flat = 0, utcb_segment = 0;
    asm volatile("movw %%ss, %w0\n\tmovw %%gs, %w1" : "+r"(flat), "+r"(utcb_segment));
    flat &= 0xFFFF;
    utcb_segment &= 0xFFFF;
    CHECK(t, flat != utcb_segment, "SS and GS hold the same selector %x", flat);

    LocalThread server;
    CHECK(t, server.start(label_echo, 0), "start: %s", server.error());
    const Word selectors[] = {0, utcb_segment};
    for (Word selector : selectors) {
        MsgTag answer = MsgTag::nil();
        Segments after = ipc_with_segments(selector, 0, 0, 0, &answer);
        CHECK(t, after.ds == flat && after.es == flat,
              "an Ipc with neither phase entered with DS = ES = %x: back with DS %x ES %x, not %x", selector,
              after.ds, after.es, flat);
        for (uint16_t label = 1; label <= 3; ++label) {
            after = ipc_with_segments(selector, server.id().raw(), server.id().raw(), MsgTag::make(label, 0, 0).raw(),
                                      &answer);
            CHECK(t, !l4::ipc_failed(answer) && answer.label() == label + 1,
                  "a Call with DS = ES = %x: label %u answered %x", selector, label, answer.raw());
            CHECK(t, after.ds == flat && after.es == flat,
                  "a Call entered with DS = ES = %x: back with DS %x ES %x, not %x", selector, after.ds, after.es,
                  flat);
        }
        after = wait_for_interrupt_with_segments(selector, 1u << 30);
        CHECK(t, after.ds != selector, "DS = %x: no interrupt came in 2^30 rounds of a loop", selector);
        CHECK(t, after.ds == flat && after.es == flat,
              "an interrupt with DS = ES = %x: back with DS %x ES %x, not %x", selector, after.ds, after.es, flat);
    }
    server.stop();
}

}  // namespace l4test
