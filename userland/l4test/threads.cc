// threads.cc: local threads, their UTCB slots and stacks (see threads.h).
#include "threads.h"

#include "l4/ipc.h"
#include "l4/kip.h"
#include "l4/message.h"
#include "l4/print.h"
#include "l4/thread.h"
#include "l4/utcb.h"

namespace l4test {

namespace {

constexpr unsigned kMaxLocalThreads = 6;
constexpr Word kFirstThreadNumberOffset = 16;  // numbers below UserBase + 16 are left alone

alignas(4096) char g_stacks[kMaxLocalThreads][LocalThread::kStackSize];
bool g_slot_used[kMaxLocalThreads];
Word g_next_number;
ThreadId g_main_thread;

[[noreturn]] void thread_entry(ThreadFunction function, Word arg) {
    function(arg);
    l4::sleep_forever();
}

Word utcb_location(int slot) {
    Word size = l4::kip().utcb_info.utcb_size();
    Word main_location = api::utcb_location(reinterpret_cast<Word>(l4::utcb_pointer()));
    return main_location + static_cast<Word>(slot + 1) * size;
}

}  // namespace

void remember_main_thread() {
    ThreadId id = l4::my_global_id();
    g_main_thread = id.is_nil() ? l4::root_task_id() : id;
}

// Other threads read it from the root task's memory (threads of created spaces see
// that memory too, layout.h).
ThreadId main_thread() { return g_main_thread; }

ThreadId new_thread_id() {
    if (g_next_number == 0) g_next_number = l4::kip().thread_info.user_base() + kFirstThreadNumberOffset;
    return ThreadId::global(g_next_number++, 1);
}

Word prepare_stack(char* stack_top, ThreadFunction function, Word arg, Word* ip) {
    // As if thread_entry(function, arg) had just been called: return address, then
    // the two arguments.
    Word* sp = reinterpret_cast<Word*>(stack_top) - 4;
    sp[0] = 0;
    sp[1] = reinterpret_cast<Word>(function);
    sp[2] = arg;
    *ip = reinterpret_cast<Word>(&thread_entry);
    return reinterpret_cast<Word>(sp);
}

void label_echo(Word) {
    ThreadId from = ThreadId::nil();
    api::MsgTag tag = l4::receive(ThreadId::any(), &from);
    for (;;) {
        l4::load_empty(uint16_t(tag.label() + 1));
        tag = l4::reply_wait(from, &from);
    }
}

bool LocalThread::start(ThreadFunction function, Word arg) {
    for (unsigned i = 0; i < kMaxLocalThreads && m_slot < 0; ++i)
        if (!g_slot_used[i]) m_slot = static_cast<int>(i);
    if (m_slot < 0) {
        l4::snprintf(m_error, sizeof m_error, "no free local thread slot");
        return false;
    }
    g_slot_used[m_slot] = true;
    m_id = new_thread_id();
    ThreadId pager = l4::pager().is_nil() ? l4::sigma0_id() : l4::pager();
    if (l4::thread_control(m_id, main_thread(), main_thread(), pager, utcb_location(m_slot)) != 1) {
        l4::snprintf(m_error, sizeof m_error, "ThreadControl create failed, ErrorCode %u", l4::error_code());
        m_id = ThreadId::nil();
        stop();
        return false;
    }
    l4::ThreadRegisters regs;
    regs.sp = prepare_stack(g_stacks[m_slot] + kStackSize, function, arg, &regs.ip);
    regs.control = l4::exreg::kSetSp | l4::exreg::kSetIp | l4::exreg::kHaltFlag | l4::exreg::kCancelReceive |
                   l4::exreg::kCancelSend;
    if (l4::exchange_registers(m_id, regs).is_nil()) {
        l4::snprintf(m_error, sizeof m_error, "ExchangeRegisters start failed, ErrorCode %u", l4::error_code());
        stop();
        return false;
    }
    return true;
}

void LocalThread::stop() {
    if (!m_id.is_nil())
        (void)l4::thread_control(m_id, ThreadId::nil(), ThreadId::nil(), ThreadId::nil(), l4::kNoChange);
    m_id = ThreadId::nil();
    if (m_slot >= 0) g_slot_used[m_slot] = false;
    m_slot = -1;
}

ThreadId LocalThread::local_id() const {
    return ThreadId::from_raw(api::utcb_pointer(utcb_location(m_slot)));
}

Word LocalThread::stack_bottom() const { return reinterpret_cast<Word>(g_stacks[m_slot < 0 ? 0 : m_slot]); }

void OwnedThread::reset() {
    if (!m_id.is_nil())
        (void)l4::thread_control(m_id, ThreadId::nil(), ThreadId::nil(), ThreadId::nil(), l4::kNoChange);
    m_id = ThreadId::nil();
}

}  // namespace l4test
