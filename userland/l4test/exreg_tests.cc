// exreg_tests.cc: ExchangeRegisters on a thread of the root task: read its state, set
// its user-defined handle and pager, cancel the Ipc it waits in, and move its SP and IP.
#include "api/error.h"
#include "l4/ipc.h"
#include "l4/kip.h"
#include "l4/message.h"
#include "l4/thread.h"
#include "layout.h"
#include "test_case.h"
#include "threads.h"

namespace l4test {

namespace {

using api::MsgTag;
using l4::ThreadRegisters;
using l4::mr;

/// Waits for the main thread, then reports how that wait ended.
void waiter(Word) {
    MsgTag tag = l4::receive(main_thread());
    l4::load_words(0x5555, {tag.raw(), l4::error_code()});
    (void)l4::send(main_thread());
    l4::sleep_forever();
}

alignas(16) char g_landing_stack[2048];

/// Where the test moves the waiter: reports a local's address (so the SP) and stops.
[[noreturn]] void landing() {
    volatile Word marker = 0x1A2D;
    l4::load_words(0x6666, {reinterpret_cast<Word>(&marker), marker});
    (void)l4::send(main_thread());
    l4::sleep_forever();
}

ThreadRegisters read_registers(ThreadId thread, ThreadId* result) {
    ThreadRegisters regs;
    regs.control = l4::exreg::kDeliver;
    *result = l4::exchange_registers(thread, regs);
    return regs;
}

}  // namespace

void test_exreg_basic(TestContext& t) {
    LocalThread thread;
    CHECK(t, thread.start(waiter, 0), "start: %s", thread.error());
    (void)l4::sleep(l4::milliseconds(5));  // let it block in its receive

    ThreadId result;
    ThreadRegisters regs = read_registers(thread.id(), &result);
    CHECK(t, !result.is_nil(), "ExchangeRegisters (deliver) failed, ErrorCode %u", l4::error_code());
    CHECK(t, result == thread.local_id(), "given the global id it returned %x, not the local id %x", result.raw(),
          thread.local_id().raw());
    CHECK(t, regs.sp >= thread.stack_bottom() && regs.sp < thread.stack_top(), "SP %x is not on the thread's stack",
          regs.sp);
    // Blocked in a system call, its IP is in our code or in the KIP's system-call stub.
    Word kip_end = l4::kip_base() + (Word{1} << l4::kip().kip_area_info.log2_size());
    CHECK(t, in_text(regs.ip) || (regs.ip >= l4::kip_base() && regs.ip < kip_end),
          "IP %x is neither in l4test's code nor in the KIP", regs.ip);
    CHECK(t, (regs.control & l4::exreg::kStateReceiving) != 0, "control %x: the thread should be receiving",
          regs.control);
    ThreadId old_pager = regs.pager;
    ThreadId expected_pager = l4::pager().is_nil() ? l4::sigma0_id() : l4::pager();
    CHECK(t, old_pager == expected_pager, "pager %x, expected %x", old_pager.raw(), expected_pager.raw());

    ThreadRegisters set;
    set.control = l4::exreg::kSetUserHandle | l4::exreg::kSetPager;
    set.user_handle = 0xC0FFEE;
    set.pager = main_thread();
    CHECK(t, !l4::exchange_registers(thread.local_id(), set).is_nil(), "setting handle and pager failed, ErrorCode %u",
          l4::error_code());
    regs = read_registers(thread.id(), &result);
    CHECK(t, regs.user_handle == 0xC0FFEE, "user-defined handle %x after setting c0ffee", regs.user_handle);
    CHECK(t, regs.pager == main_thread(), "pager %x after setting %x", regs.pager.raw(), main_thread().raw());
    set.control = l4::exreg::kSetPager;
    set.pager = old_pager;
    (void)l4::exchange_registers(thread.id(), set);

    // Cancel the receive it is blocked in.
    set.control = l4::exreg::kCancelReceive | l4::exreg::kCancelSend;
    CHECK(t, !l4::exchange_registers(thread.id(), set).is_nil(), "cancel failed, ErrorCode %u", l4::error_code());
    MsgTag tag = l4::receive(thread.id(), nullptr, l4::milliseconds(2000));
    CHECK(t, !l4::ipc_failed(tag) && tag.label() == 0x5555, "no report from the cancelled thread, ErrorCode %x",
          l4::error_code());
    CHECK(t, MsgTag::from_raw(mr(1)).has(api::MsgFlag::Error), "its receive ended without the error flag (tag %x)",
          mr(1));
    Word cancelled = api::IpcErrorCode::make(api::IpcPhase::Receive, api::IpcError::Cancelled).raw();
    CHECK(t, mr(2) == cancelled, "its ErrorCode was %x, expected %x (receive cancelled)", mr(2), cancelled);

    // Now it sleeps; send it to landing() on a new stack.
    (void)l4::sleep(l4::milliseconds(5));
    set.control = l4::exreg::kSetSp | l4::exreg::kSetIp | l4::exreg::kCancelReceive | l4::exreg::kCancelSend;
    set.sp = reinterpret_cast<Word>(g_landing_stack + sizeof g_landing_stack - 16);
    set.ip = reinterpret_cast<Word>(&landing);
    CHECK(t, !l4::exchange_registers(thread.id(), set).is_nil(), "setting SP and IP failed, ErrorCode %u",
          l4::error_code());
    tag = l4::receive(thread.id(), nullptr, l4::milliseconds(2000));
    CHECK(t, !l4::ipc_failed(tag) && tag.label() == 0x6666, "the thread did not arrive at the new IP, ErrorCode %x",
          l4::error_code());
    Word local = mr(1);
    CHECK(t, local >= reinterpret_cast<Word>(g_landing_stack) && local < set.sp,
          "the thread runs on SP near %x, not on the new stack", local);
}

}  // namespace l4test
