// threads.cc: thread ids and OS threads (see threads.h).
#include "threads.h"

#include "l4/ipc.h"
#include "l4/kip.h"
#include "l4/local_thread.h"
#include "l4/print.h"
#include "l4/thread.h"
#include "l4/thread_numbers.h"
#include "l4/utcb.h"
#include "lock.h"

namespace baseos {

namespace {

constexpr Word kFirstNumberOffset = 16;
constexpr unsigned kMaxOsThreads = 16;
constexpr unsigned kStackSize = 16384;

l4::ThreadNumbers g_numbers;  // guarded by g_os_lock

alignas(16) char g_stacks[kMaxOsThreads][kStackSize];
unsigned g_os_threads;  // only the main thread starts OS threads
ThreadId g_main;

}  // namespace

ThreadId new_thread_id_locked() {
    return g_numbers.allocate(l4::kip().thread_info.user_base() + kFirstNumberOffset, l4::ThreadNumbers::kMaxNumbers);
}

void free_thread_id_locked(ThreadId id) { g_numbers.release(id); }

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
    const char* step = "";
    if (!l4::start_local_thread(id, g_main, cpu, slot + 1, g_stacks[slot], kStackSize, function, arg, &step)) {
        l4::printf("baseos: %s for an OS thread on CPU %u failed, ErrorCode %u\n", step, cpu, l4::error_code());
        return ThreadId::nil();
    }
    return id;
}

}  // namespace baseos
