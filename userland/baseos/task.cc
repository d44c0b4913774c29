// task.cc: the task table: creating tasks and their threads, ending tasks (task.h).
//
// Creating a task's space takes the three X.2 steps (all privileged, so the OS, the
// root task, makes them):
//   1. ThreadControl(main, space = main, scheduler = OS main, pager = nil): a new space
//      with an inactive thread in it;
//   2. SpaceControl(main): its KIP area and UTCB area (os/layout.h);
//   3. ThreadControl(main, main, OS main, pager, UTCB = first slot): the thread is
//      active and waits for its start message from the pager (the caller sends it).
// Ending one: ThreadControl(t, nil) for each thread, the main thread last; with the
// last thread the kernel deletes the space. Then the memory comes back (task_memory.cc).
#include "task.h"

#include "frames.h"
#include "l4/kip.h"
#include "l4/print.h"
#include "l4/space.h"
#include "l4/string.h"
#include "l4/thread.h"
#include "l4/utcb.h"
#include "lock.h"
#include "threads.h"

namespace baseos {

SpinLock g_os_lock;

namespace {

constexpr unsigned kMaxTasks = 16;
constexpr unsigned kExitRecords = 32;

// Guarded by g_os_lock.
Task g_tasks[kMaxTasks];
ExitRecord g_exits[kExitRecords];
unsigned g_exit_count;  // records written so far; the ring keeps the last kExitRecords
unsigned g_failed_count;  // tasks that ended with a code other than 0 (or were killed)

Word utcb_location(unsigned slot) { return os::kUtcbArea + slot * l4::kip().utcb_info.utcb_size(); }

void copy_string(char* to, const char* from, unsigned size) {
    unsigned n = 0;
    for (; n + 1 < size && from[n] != '\0'; ++n) to[n] = from[n];
    to[n] = '\0';
}

void delete_thread_locked(ThreadId thread) {
    (void)l4::thread_control(thread, ThreadId::nil(), ThreadId::nil(), ThreadId::nil(), l4::kNoChange);
    free_thread_id_locked(thread);
}

}  // namespace

Task* task_of_locked(ThreadId thread) {
    if (thread.is_nil() || thread.is_local()) return nullptr;
    for (Task& task : g_tasks)
        if (task.used && owns_thread(task, thread)) return &task;
    return nullptr;
}

bool owns_thread(const Task& task, ThreadId thread) {
    for (ThreadId t : task.threads)
        if (!t.is_nil() && t == thread) return true;
    return false;
}

ThreadId create_task_locked(const Module& module, const char* args, ThreadId pager, const char** why) {
    auto parsed = elf::try_parse(module.data, module.size, os::kHeapEnd);
    if (!parsed.ok()) {
        *why = "not an ELF executable below the heap end";
        return ThreadId::nil();
    }
    Task* task = nullptr;
    for (Task& t : g_tasks)
        if (!t.used && task == nullptr) task = &t;
    ThreadId main = task != nullptr ? new_thread_id_locked() : ThreadId::nil();
    if (main.is_nil()) {
        *why = "no free task slot or thread number";
        return ThreadId::nil();
    }
    ThreadId os_main = main_thread();
    api::Fpage kip_area = api::Fpage::memory(os::kKipArea, l4::kip().kip_area_info.log2_size(), api::Rights::None);
    api::Fpage utcb_area = api::Fpage::memory(os::kUtcbArea, os::kUtcbAreaLog2, api::Rights::None);
    if (l4::thread_control(main, main, os_main, ThreadId::nil(), l4::kNoChange) != 1) {
        *why = "ThreadControl (new space) failed";
        free_thread_id_locked(main);
        return ThreadId::nil();
    }
    if (l4::space_control(main, 0, kip_area, utcb_area, ThreadId::any()) != 1 ||
        l4::thread_control(main, main, os_main, pager, utcb_location(0)) != 1) {
        *why = "SpaceControl or ThreadControl (activate) failed";
        delete_thread_locked(main);
        return ThreadId::nil();
    }
    memset(task, 0, sizeof *task);
    task->used = true;
    copy_string(task->name, module.name, sizeof task->name);
    copy_string(task->args, args, sizeof task->args);
    task->module = &module;
    task->image = parsed.value();
    task->image_end = (task->image.highest_vaddr + kPageSize - 1) & ~(kPageSize - 1);
    task->threads[0] = main;
    return main;
}

ThreadId add_thread_locked(Task& task, unsigned cpu, ThreadId pager, Word ip, Word sp) {
    unsigned slot = 1;
    while (slot < os::kMaxThreads && !task.threads[slot].is_nil()) ++slot;
    ThreadId id = slot < os::kMaxThreads ? new_thread_id_locked() : ThreadId::nil();
    if (id.is_nil()) return id;
    if (l4::thread_control(id, task.threads[0], main_thread(), pager, utcb_location(slot)) != 1) {
        free_thread_id_locked(id);
        return ThreadId::nil();
    }
    // Created on this CPU; moved before it runs, then started as L4_Start does (its
    // pager is on `cpu`, so the start message could not come from this pager thread).
    l4::ThreadRegisters regs;
    regs.sp = sp;
    regs.ip = ip;
    regs.control = l4::exreg::kSetSp | l4::exreg::kSetIp | l4::exreg::kHaltFlag | l4::exreg::kCancelReceive |
                   l4::exreg::kCancelSend;
    if (l4::set_processor(id, cpu) == l4::schedule_result::kError || l4::exchange_registers(id, regs).is_nil()) {
        delete_thread_locked(id);
        return ThreadId::nil();
    }
    task.threads[slot] = id;
    return id;
}

void destroy_task_locked(Task& task, int code) {
    for (unsigned slot = os::kMaxThreads; slot-- > 0;) {
        if (task.threads[slot].is_nil()) continue;
        delete_thread_locked(task.threads[slot]);
    }
    Word pages = task.pages;
    reclaim_memory_locked(task);
    ExitRecord& record = g_exits[g_exit_count++ % kExitRecords];
    record.main = task.threads[0];
    copy_string(record.name, task.name, sizeof record.name);
    record.code = code;
    if (code != 0) ++g_failed_count;
    record.page_faults = task.page_faults;
    record.pages = pages;
    l4::printf("baseos: task %s exited with code %d: %u page faults, %u pages reclaimed\n", task.name, code,
               task.page_faults, pages);
    task.used = false;
}

unsigned live_tasks() {
    OsGuard guard;
    unsigned n = 0;
    for (const Task& task : g_tasks) n += task.used ? 1 : 0;
    return n;
}

Word frames_held_by_tasks() {
    OsGuard guard;
    Word n = 0;
    for (const Task& task : g_tasks)
        if (task.used) n += task.pages + task.table_frames;
    return n;
}

unsigned exit_count() {
    OsGuard guard;
    return g_exit_count;
}

bool exit_record(unsigned i, ExitRecord* record) {
    OsGuard guard;
    if (i >= g_exit_count || i + kExitRecords < g_exit_count) return false;
    *record = g_exits[i % kExitRecords];
    return true;
}

unsigned failed_task_count() {
    OsGuard guard;
    return g_failed_count;
}

}  // namespace baseos
