// segment_tests.cc: what the kernel does with a thread's segment registers
// (kernel/arch/ia32/save_frame.h, docs/kernel-core.md "Segment registers").
//
// The kernel saves none of them: every entry to the kernel loads its own, and
// the way back to user mode gives the thread fixed ones, whatever it had
// loaded: the flat user data segment in DS and ES, the null selector in FS,
// the UTCB segment in GS (with the running thread's UTCB as its base). A thread that loaded another
// selector (the null selector, or its UTCB segment, valid but with another
// base) must not be able to make the kernel use it.
//
//   l4.abi.data_segments  with DS, ES, FS and GS null, and then with all four
//                         the UTCB segment: an Ipc with neither phase (the
//                         general path), a Call to an echo server (the fast
//                         path when it is on), and a wait without system
//                         calls until an interrupt (the timer's) enters the
//                         kernel. The kernel survives each, and the thread
//                         comes back with SS's selector, the flat user data
//                         segment, in DS and ES, the null selector in FS,
//                         and GS's first selector in GS, through which %gs:0
//                         reads its UTCB pointer.
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
    Word ds, es, fs, gs;
    Word gs_word0;  // %gs:0 with the GS the thread came back with
};

/// An Ipc through the KIP's stub with DS, ES, FS and GS set to `selector`
/// before it (the stub reads memory only through SS). Returns the four as the
/// thread finds them after it, and the Ipc's tag in `answer`. Every general
/// register is taken, so the stub's address and the selector come through
/// memory, read before DS changes and through SS after.
Segments ipc_with_segments(Word selector, Word to, Word from, Word tag, MsgTag* answer) {
    Word block[2] = {l4::stub(l4::kip().ipc), selector};
    Word* utcb = l4::utcb_pointer();
    Word timeouts = 0;  // never, both phases
    Word* pointer = block;
    asm volatile(
        "pushl %%ebp\n\t"
        "pushl %%ds\n\t"
        "pushl %%es\n\t"
        "pushl %%fs\n\t"
        "pushl %%gs\n\t"
        "movw 4(%%ebx), %%gs\n\t"
        "movw 4(%%ebx), %%fs\n\t"
        "movw 4(%%ebx), %%es\n\t"
        "movw 4(%%ebx), %%ds\n\t"
        "movl %%ss:(%%ebx), %%ebx\n\t"
        "call *%%ebx\n\t"
        "movw %%ds, %%cx\n\t"
        "movw %%es, %%dx\n\t"
        "movw %%fs, %%di\n\t"
        "movw %%gs, %%bx\n\t"
        "movl %%gs:0, %%eax\n\t"
        "popl %%gs\n\t"
        "popl %%fs\n\t"
        "popl %%es\n\t"
        "popl %%ds\n\t"
        "popl %%ebp"
        : "+a"(to), "+c"(timeouts), "+d"(from), "+S"(tag), "+D"(utcb), "+b"(pointer)
        :
        : "memory", "cc");
    *answer = MsgTag::from_raw(tag);
    return {timeouts & 0xFFFF, from & 0xFFFF, reinterpret_cast<Word>(utcb) & 0xFFFF,
            reinterpret_cast<Word>(pointer) & 0xFFFF, to};
}

/// DS, ES, FS and GS set to `selector`, then no system call: a loop on
/// registers alone until DS reads as something else, which only an entry to
/// the kernel (an interrupt) makes it. Returns the four then, or DS
/// `selector` when no interrupt came within `spins` rounds.
Segments wait_for_interrupt_with_segments(Word selector, Word spins) {
    Word ds = selector, es = 0, fs = 0, gs = 0;
    Word gs_word0 = 0;
    asm volatile(
        "pushl %%ds\n\t"
        "pushl %%es\n\t"
        "pushl %%fs\n\t"
        "pushl %%gs\n\t"
        "movw %w[ds], %%gs\n\t"
        "movw %w[ds], %%fs\n\t"
        "movw %w[ds], %%es\n\t"
        "movw %w[ds], %%ds\n"
        "1:\n\t"
        "movw %%ds, %w[es]\n\t"
        "cmpw %w[ds], %w[es]\n\t"
        "jne 2f\n\t"
        "decl %[spins]\n\t"
        "jnz 1b\n"
        "2:\n\t"
        "movw %%ds, %w[ds]\n\t"
        "movw %%es, %w[es]\n\t"
        "movw %%fs, %w[fs]\n\t"
        "movw %%gs, %w[gs]\n\t"
        "cmpw %w[gs], %w[ds]\n\t"  // GS still `selector` (no interrupt): not read through
        "je 3f\n\t"
        "movl %%gs:0, %[word0]\n"
        "3:\n\t"
        "popl %%gs\n\t"
        "popl %%fs\n\t"
        "popl %%es\n\t"
        "popl %%ds"
        : [ds] "+r"(ds), [es] "+r"(es), [fs] "+r"(fs), [gs] "+r"(gs), [spins] "+r"(spins), [word0] "+r"(gs_word0)
        :
        : "memory", "cc");
    return {ds & 0xFFFF, es & 0xFFFF, fs & 0xFFFF, gs & 0xFFFF, gs_word0};
}

/// Whether `after` is what the kernel gives back; `how` says which entry.
void check_segments(TestContext& t, const char* how, Word selector, const Segments& after, Word flat,
                    Word utcb_segment, Word utcb_pointer) {
    CHECK(t, after.ds == flat && after.es == flat && after.fs == 0,
          "%s entered with DS = ES = FS = GS = %x: back with DS %x ES %x FS %x, not %x %x 0", how, selector,
          after.ds, after.es, after.fs, flat, flat);
    CHECK(t, after.gs == utcb_segment, "%s entered with GS = %x: back with GS %x, not the UTCB segment %x", how,
          selector, after.gs, utcb_segment);
    CHECK(t, after.gs != utcb_segment || after.gs_word0 == utcb_pointer,
          "%s entered with GS = %x: %%gs:0 reads %x afterwards, not the UTCB pointer %x", how, selector,
          after.gs_word0, utcb_pointer);
}

}  // namespace

void test_abi_data_segments(TestContext& t) {
    Word flat = 0, utcb_segment = 0;
    asm volatile("movw %%ss, %w0\n\tmovw %%gs, %w1" : "+r"(flat), "+r"(utcb_segment));
    flat &= 0xFFFF;
    utcb_segment &= 0xFFFF;
    const Word utcb_pointer = reinterpret_cast<Word>(l4::utcb_pointer());
    CHECK(t, flat != utcb_segment, "SS and GS hold the same selector %x", flat);

    LocalThread server;
    CHECK(t, server.start(label_echo, 0), "start: %s", server.error());
    const Word selectors[] = {0, utcb_segment};
    for (Word selector : selectors) {
        MsgTag answer = MsgTag::nil();
        Segments after = ipc_with_segments(selector, 0, 0, 0, &answer);
        check_segments(t, "an Ipc with neither phase", selector, after, flat, utcb_segment, utcb_pointer);
        for (uint16_t label = 1; label <= 3; ++label) {
            after = ipc_with_segments(selector, server.id().raw(), server.id().raw(), MsgTag::make(label, 0, 0).raw(),
                                      &answer);
            CHECK(t, !l4::ipc_failed(answer) && answer.label() == label + 1,
                  "a Call with DS = ES = FS = GS = %x: label %u answered %x", selector, label, answer.raw());
            check_segments(t, "a Call", selector, after, flat, utcb_segment, utcb_pointer);
        }
        after = wait_for_interrupt_with_segments(selector, 1u << 30);
        CHECK(t, after.ds != selector, "DS = %x: no interrupt came in 2^30 rounds of a loop", selector);
        check_segments(t, "an interrupt", selector, after, flat, utcb_segment, utcb_pointer);
    }
    server.stop();
}

}  // namespace l4test
