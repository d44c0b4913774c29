// threads.cc: see threads.h.
#include "threads.h"

#include "l4/kip.h"
#include "l4/local_thread.h"
#include "l4/print.h"
#include "l4/spin_lock.h"
#include "l4/thread_numbers.h"
#include "l4/utcb.h"
#include "numa/layout.h"

namespace rootpager {

namespace {

constexpr api::Word kFirstOffset = 16;
constexpr api::Word kRootNumbers = 16 + 2 * numa::kMaxCpus + 16;
constexpr unsigned kStackSize = 16384;

l4::SpinLock g_lock;
l4::ThreadNumbers g_numbers GUARDED_BY(g_lock);
alignas(16) char g_stacks[numa::kMaxCpus][kStackSize];
unsigned g_workers;  // only the master thread starts workers
ThreadId g_main;

}  // namespace

void remember_main_thread() { g_main = l4::my_global_id().is_nil() ? l4::root_task_id() : l4::my_global_id(); }
ThreadId root_main_thread() { return g_main; }

ThreadId new_root_thread_id() {
    l4::SpinLockGuard guard(g_lock);
    api::Word base = l4::kip().thread_info.user_base();
    return g_numbers.allocate(base + kFirstOffset, base + kRootNumbers);
}

api::Word first_task_number() { return l4::kip().thread_info.user_base() + kRootNumbers; }

ThreadId start_worker(unsigned cpu, void (*function)(api::Word), api::Word arg) {
    if (g_workers == numa::kMaxCpus) return ThreadId::nil();
    unsigned slot = g_workers++;
    ThreadId id = new_root_thread_id();
    const char* step = "a thread number";
    if (id.is_nil() ||
        !l4::start_local_thread(id, g_main, cpu, slot + 1, g_stacks[slot], kStackSize, function, arg, &step)) {
        l4::printf("rootpager: cannot start the worker of CPU %u: %s failed, ErrorCode %u\n", cpu, step,
                   l4::error_code());
        return ThreadId::nil();
    }
    return id;
}

}  // namespace rootpager
