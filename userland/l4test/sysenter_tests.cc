// sysenter_tests.cc: the Ipc system call by sysenter (kernel/arch/ia32/sysenter.h).
//
// Where the CPU has it, the KIP's Ipc stub enters the kernel with `sysenter`
// instead of `int`; the kernel builds the same trap frame from the return
// address and stack the stub hands it in EBX and EBP. Every IPC test goes
// through that stub, so this test covers what they do not: that the stub is the
// one the kernel says it chose, and that a thread cannot hurt the kernel by
// executing `sysenter` itself in a state the stub never creates.
//
//   l4.ipc.sysenter  the KIP's Ipc stub is the sysenter stub when the kernel says
//                    sysenter is on (kdebug statistic SysenterOn), `int $0x34;
//                    ret` when off (sysenter=off). On, ten times each: the thread
//                    sets TF (single-step) with popf right before its own
//                    `sysenter`, whose single-step trap then comes in ring 0 at
//                    the kernel's entry, on the TSS as its stack; and it sets NT
//                    (nested task), which `sysenter` keeps, unlike `int`, and
//                    with which the kernel's `iret` would try a task switch. The
//                    kernel survives, the thread comes back where its EBX said,
//                    on the stack its EBP said, with EFLAGS IF and bit 1 alone;
//                    the same for 50 random sets of the flags ring 3 can set;
//                    and Calls after it still work.
#include "api/msg_tag.h"
#include "l4/ipc.h"
#include "l4/kdebug.h"
#include "l4/kip.h"
#include "l4/message.h"
#include "l4/prng.h"
#include "l4/thread.h"
#include "test_case.h"
#include "threads.h"

namespace l4test {

namespace {

using api::MsgTag;

constexpr uint8_t kSysenterStub[] = {0x8B, 0x1C, 0x24, 0x8D, 0x6C, 0x24, 0x04, 0x0F, 0x34};
constexpr uint8_t kIntStub[] = {0xCD, 0x34, 0xC3};
constexpr Word kTrapFlag = 1u << 8;
constexpr Word kNestedTaskFlag = 1u << 14;
constexpr Word kUserFlags = 0x202;  // IF and the always-one bit 1
// CF PF AF ZF SF TF DF OF, NT, AC, ID
constexpr Word kUserSettableFlags = 0xDD5 | kNestedTaskFlag | (1u << 18) | (1u << 21);

bool stub_is(const uint8_t* stub, const uint8_t* want, unsigned length) {
    for (unsigned i = 0; i < length; ++i)
        if (stub[i] != want[i]) return false;
    return true;
}

/// An Ipc with neither phase (to and FromSpecifier nil) by the thread's own
/// `sysenter`, with EFLAGS `entry_flags` set by the instruction before it.
/// Returns EFLAGS as the thread finds them where the kernel returned to.
Word sysenter_with_flags(Word entry_flags) {
    Word flags = entry_flags;
    Word to = 0, from = 0, tag = 0;
    Word* utcb = l4::utcb_pointer();
    asm volatile(
        "pushl %%ebp\n\t"
        "movl $1f, %%ebx\n\t"  // where to come back
        "movl %%esp, %%ebp\n\t"  // with this stack
        "pushl %%ecx\n\t"
        "popfl\n\t"
        "sysenter\n"
        "1:\n\t"
        "pushfl\n\t"
        "popl %%ecx\n\t"
        "popl %%ebp"
        : "+c"(flags), "+a"(to), "+d"(from), "+S"(tag), "+D"(utcb)
        :
        : "ebx", "memory", "cc");
    return flags;
}

}  // namespace

void test_ipc_sysenter(TestContext& t) {
    bool on = l4::kdebug::kernel_statistic(l4::kdebug::Statistic::SysenterOn) == 1;
    const uint8_t* stub = reinterpret_cast<const uint8_t*>(l4::kip_base() + l4::kip().ipc);
    if (!on) {
        CHECK(t, stub_is(stub, kIntStub, sizeof(kIntStub)),
              "sysenter is off but the KIP's Ipc stub is not `int $0x34; ret` (%x %x %x)", stub[0], stub[1], stub[2]);
        return;
    }
    CHECK(t, stub_is(stub, kSysenterStub, sizeof(kSysenterStub)),
          "sysenter is on but the KIP's Ipc stub is not the sysenter stub (first bytes %x %x %x)", stub[0], stub[1],
          stub[2]);
    for (unsigned i = 0; i < 10; ++i) {
        Word flags = sysenter_with_flags(kUserFlags | kTrapFlag);
        CHECK(t, flags == kUserFlags, "round %u: back from a single-stepped sysenter with EFLAGS %x, not %x", i,
              flags, kUserFlags);
        flags = sysenter_with_flags(kUserFlags | kNestedTaskFlag);
        CHECK(t, flags == kUserFlags, "round %u: back from a sysenter with NT set with EFLAGS %x, not %x", i, flags,
              kUserFlags);
    }
    // Every flag ring 3 can set, at random (popf leaves IF and IOPL alone there).
    l4::Prng random(0x5E5E);
    for (unsigned i = 0; i < 50; ++i) {
        Word entry = kUserFlags | (random.next() & kUserSettableFlags);
        Word flags = sysenter_with_flags(entry);
        CHECK(t, flags == kUserFlags, "sysenter with EFLAGS %x: back with %x, not %x", entry, flags, kUserFlags);
    }
    LocalThread server;
    CHECK(t, server.start(label_echo, 0), "start: %s", server.error());
    for (uint16_t label = 1; label <= 3; ++label) {
        l4::load_empty(label);
        MsgTag answer = l4::call(server.id(), l4::milliseconds(1000), l4::milliseconds(1000));
        CHECK(t, !l4::ipc_failed(answer) && answer.label() == label + 1,
              "a Call after the single-stepped sysenters: label %u answered %x", label, answer.raw());
    }
    server.stop();
}

}  // namespace l4test
