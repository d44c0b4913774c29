// threads.cc: thread ids and OS threads (see threads.h).
#include "threads.h"

#include "l4/ipc.h"
#include "l4/kip.h"
#include "l4/print.h"
#include "l4/thread.h"
#include "l4/utcb.h"
#include "lock.h"

namespace baseos {

namespace {

constexpr Word kFirstNumberOffset = 16;
constexpr unsigned kMaxNumbers = 4096;
constexpr unsigned kMaxOsThreads = 16;
constexpr unsigned kStackSize = 16384;

// Guarded by g_os_lock: for each thread number, in use? and its last version.
bool g_number_used[kMaxNumbers];
uint16_t g_version[kMaxNumbers];

alignas(16) char g_stacks[kMaxOsThreads][kStackSize];
unsigned g_os_threads;  // only the main thread starts OS threads
ThreadId g_main;

[[noreturn]] void os_thread_entry(void (*function)(Word), Word arg) {
    function(arg);
    l4::sleep_forever();
}

Word next_version(Word version) {
    do version = (version + 1) & api::kMaxVersion;
    while ((version & 0x3F) == 0);  // a version with six zero low bits would read as a local id
    return version;
}

}  // namespace

ThreadId new_thread_id_locked() {
    const api::ThreadInfo& info = l4::kip().thread_info;
    Word limit = Word{1} << info.number_bits();
    if (limit > kMaxNumbers) limit = kMaxNumbers;
    for (Word number = info.user_base() + kFirstNumberOffset; number < limit; ++number) {
        if (g_number_used[number]) continue;
        g_number_used[number] = true;
        g_version[number] = static_cast<uint16_t>(next_version(g_version[number]));
        return ThreadId::global(number, g_version[number]);
    }
    return ThreadId::nil();
}

void free_thread_id_locked(ThreadId id) {
    if (id.number() < kMaxNumbers) g_number_used[id.number()] = false;
}

void remember_main_thread() { g_main = l4::my_global_id().is_nil() ? l4::root_task_id() : l4::my_global_id(); }
ThreadId main_thread() { return g_main; }

ThreadId start_os_thread(unsigned cpu, void (*function)(Word), Word arg) {
    if (g_os_threads == kMaxOsThreads) return ThreadId::nil();
    unsigned slot = g_os_threads++;
    ThreadId id;
    {
        OsGuard guard;
        id = new_thread_id_locked();
    }
    Word utcb_size = l4::kip().utcb_info.utcb_size();
    Word utcb = api::utcb_location(reinterpret_cast<Word>(l4::utcb_pointer())) + (slot + 1) * utcb_size;
    if (l4::thread_control(id, g_main, g_main, l4::pager(), utcb) != 1) {
        l4::printf("baseos: ThreadControl for an OS thread failed, ErrorCode %u\n", l4::error_code());
        return ThreadId::nil();
    }
    if (l4::set_processor(id, cpu) == l4::schedule_result::kError)
        l4::printf("baseos: cannot move an OS thread to CPU %u, ErrorCode %u\n", cpu, l4::error_code());
    // As if os_thread_entry(function, arg) had just been called.
    Word* sp = reinterpret_cast<Word*>(g_stacks[slot] + kStackSize) - 4;
    sp[0] = 0;
    sp[1] = reinterpret_cast<Word>(function);
    sp[2] = arg;
    l4::ThreadRegisters regs;
    regs.sp = reinterpret_cast<Word>(sp);
    regs.ip = reinterpret_cast<Word>(&os_thread_entry);
    regs.control = l4::exreg::kSetSp | l4::exreg::kSetIp | l4::exreg::kHaltFlag | l4::exreg::kCancelReceive |
                   l4::exreg::kCancelSend;
    if (l4::exchange_registers(id, regs).is_nil()) {
        l4::printf("baseos: cannot start an OS thread, ErrorCode %u\n", l4::error_code());
        return ThreadId::nil();
    }
    return id;
}

}  // namespace baseos
