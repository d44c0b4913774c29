// pager.cc: the pager threads' loop and the OS protocol's handlers (pager.h).
#include "pager.h"

#include "api/map_item.h"
#include "frames.h"
#include "l4/ipc.h"
#include "l4/kip.h"
#include "l4/message.h"
#include "l4/print.h"
#include "l4/rpc.h"
#include "l4/thread.h"
#include "l4/utcb.h"
#include "lock.h"
#include "os/os.h"
#include "task.h"
#include "threads.h"

namespace baseos {

namespace {

using l4::rpc::Reply;
using l4::rpc::Status;
using os::proto::Void;

constexpr unsigned kMaxCpus = 16;
constexpr unsigned kLoggedFaults = 3;  // the first faults of each task are printed
constexpr uint64_t kStartTimeoutMs = 1000;

ThreadId g_pagers[kMaxCpus];  // written by the main thread before any task exists
l4::rpc::Server g_server;     // set up before the pager threads start; read-only after

const char* kind_of(const Task& task, Word address) {
    if (address < task.image_end) return "image";
    return address < os::kHeapEnd ? "heap" : "stack";
}

/// Loads the answer to a page fault; false if the task was killed instead.
bool page_fault(ThreadId from, uint16_t label, Word address, Word ip) {
    bool write = (static_cast<Word>(api::fault_access(label)) & static_cast<Word>(api::Rights::Write)) != 0;
    OsGuard guard;
    Task* task = task_of_locked(from);
    if (task == nullptr) {
        l4::printf("baseos: page fault from %x, which is no task's thread: ignored\n", from.raw());
        return false;
    }
    Word frame;
    api::Rights rights;
    const char* why = "";
    if (!resolve_fault_locked(*task, address, write, &frame, &rights, &why)) {
        l4::printf("baseos: task %s killed: thread %x %s %x (ip %x): %s\n", task->name, from.raw(),
                   write ? "wrote" : "read", address, ip, why);
        destroy_task_locked(*task, kKilled);
        return false;
    }
    if (task->page_faults <= kLoggedFaults)
        l4::printf("baseos: %s: page fault at %x (%s, %s) on CPU %u%s\n", task->name, address, kind_of(*task, address),
                   write ? "write" : "read", l4::processor_no(),
                   task->page_faults == kLoggedFaults ? "; further faults are counted, not shown" : "");
    l4::load_with_item(0, 0, api::MapItem::map(api::Fpage::memory(frame, 12, rights), address & ~(kPageSize - 1)));
    return true;
}

Reply<Void> do_exit(ThreadId from, Word code) {
    OsGuard guard;
    Task* task = task_of_locked(from);
    if (task == nullptr) return Status::Refused;
    destroy_task_locked(*task, static_cast<int>(code));
    return Void{};  // to a thread that is gone: the reply fails, and that is fine
}

Reply<ThreadId> do_create_thread(ThreadId from, Word cpu, Word ip, Word sp) {
    if (cpu >= os::cpu_count()) return Status::Refused;
    OsGuard guard;
    Task* task = task_of_locked(from);
    if (task == nullptr) return Status::Refused;
    ThreadId id = add_thread_locked(*task, cpu, g_pagers[cpu], ip, sp);
    if (id.is_nil()) return Status::Refused;
    l4::printf("baseos: %s: thread %x created on CPU %u (node %u)\n", task->name, id.raw(), unsigned(cpu),
               os::node_of_cpu(cpu));
    return id;
}

Reply<Word> do_migrate_thread(ThreadId from, ThreadId thread, Word cpu) {
    if (cpu >= os::cpu_count()) return Status::Refused;
    OsGuard guard;
    Task* task = task_of_locked(from);
    if (task == nullptr || !owns_thread(*task, thread)) return Status::Refused;
    // The pager first: a fault on the way already goes to the new CPU's pager (either
    // would serve it; this one is near).
    if (l4::thread_control(thread, thread, ThreadId::nil(), g_pagers[cpu], l4::kNoChange) != 1 ||
        l4::set_processor(thread, cpu) == l4::schedule_result::kError)
        return Status::Refused;
    l4::printf("baseos: %s: thread %x migrated to CPU %u (node %u)\n", task->name, thread.raw(), unsigned(cpu),
               os::node_of_cpu(cpu));
    return Word{1};
}

Reply<ThreadId> do_spawn(ThreadId from, os::SpawnRequest request) {
    request.module[os::kMaxModuleName] = '\0';
    request.args[os::kMaxArgs] = '\0';
    const Module* module = find_program(request.module);
    if (module == nullptr) {
        l4::printf("baseos: spawn: no module called '%s'\n", l4::printable_or(request.module, "(unprintable)"));
        return Status::Refused;
    }
    ThreadId main;
    const char* why = "";
    {
        OsGuard guard;
        main = create_task_locked(*module, request.args, l4::my_global_id(), &why);
        if (main.is_nil()) {
            l4::printf("baseos: cannot load %s: %s\n", module->name, why);
            return Status::Refused;
        }
        l4::printf("baseos: task %s loaded (args '%s'): main thread %x on CPU %u\n", module->name,
                   l4::printable_or(request.args, "(unprintable)"),
                   main.raw(), l4::processor_no());
        l4::load_words(0, {start_ip(*task_of_locked(main)), os::stack_top(0)});
    }
    // The X.2 start message, from the thread's pager (this thread): MR1 IP, MR2 SP.
    if (l4::ipc_failed(l4::send(main, l4::milliseconds(kStartTimeoutMs)))) {
        l4::printf("baseos: the start message to %x did not go through\n", main.raw());
        return Status::Refused;
    }
    return main;
}

Reply<os::TaskInfo> do_task_info(ThreadId from) {
    OsGuard guard;
    Task* task = task_of_locked(from);
    if (task == nullptr) return Status::Refused;
    return os::TaskInfo{task->page_faults, task->pages};
}

/// make_local (os/protocol.h). The base OS has one space and one node, so a local range
/// is what every page already is: it checks the range as the NUMA OS does (page-aligned,
/// not empty, inside the heap or the stack area, no page of it touched yet) and answers
/// 1, and the pages stay as they are. It keeps no record of the ranges, so it has no
/// limit on their number.
Reply<Word> do_make_local(ThreadId from, Word start, Word bytes) {
    Word end = start + bytes;
    if (bytes == 0 || start % kPageSize != 0 || bytes % kPageSize != 0 || end < start) return Status::Refused;
    OsGuard guard;
    Task* task = task_of_locked(from);
    if (task == nullptr) return Status::Refused;
    if (!in_heap_or_stacks(*task, start, end) || any_page_given_locked(*task, start, end)) return Status::Refused;
    return Word{1};
}

/// unmap (os/protocol.h): the base OS checks the request here and acts in
/// unmap_range_locked (task_memory.cc). `how` arrives as any word a client sent.
Reply<os::UnmapStatus> do_unmap(ThreadId from, Word start, Word pages, os::UnmapHow how) {
    Word raw_how = static_cast<Word>(how);
    if (raw_how != static_cast<Word>(os::UnmapHow::Unmap) && raw_how != static_cast<Word>(os::UnmapHow::ReadOnly))
        return Status::Refused;
    if (start % kPageSize != 0 || pages == 0 || pages > os::kMaxUnmapPages) return Status::Refused;
    OsGuard guard;
    Task* task = task_of_locked(from);
    if (task == nullptr || !in_heap_or_stacks(*task, start, start + pages * kPageSize)) return Status::Refused;
    os::UnmapStatus status;
    unmap_range_locked(*task, start, static_cast<unsigned>(pages), how, &status);
    return status;
}

Reply<os::ArgsText> do_args(ThreadId from) {
    os::ArgsText text{};
    OsGuard guard;
    Task* task = task_of_locked(from);
    if (task == nullptr) return Status::Refused;
    for (unsigned i = 0; i <= os::kMaxArgs; ++i) text.text[i] = task->args[i];
    return text;
}

void pager_loop(Word) { g_server.serve_with_faults(page_fault); }

}  // namespace

bool start_pagers() {
    g_server.on<os::proto::Exit>(do_exit);
    g_server.on<os::proto::CreateThread>(do_create_thread);
    g_server.on<os::proto::MigrateThread>(do_migrate_thread);
    g_server.on<os::proto::Spawn>(do_spawn);
    g_server.on<os::proto::GetTaskInfo>(do_task_info);
    g_server.on<os::proto::GetArgs>(do_args);
    g_server.on<os::proto::MakeLocal>(do_make_local);
    g_server.on<os::proto::Unmap>(do_unmap);
    unsigned cpus = os::cpu_count() < kMaxCpus ? os::cpu_count() : kMaxCpus;
    for (unsigned cpu = 0; cpu < cpus; ++cpu) {
        g_pagers[cpu] = start_os_thread(cpu, pager_loop, cpu);
        if (g_pagers[cpu].is_nil()) return false;
    }
    return true;
}

ThreadId spawn_program(const char* name, const char* args) {
    os::SpawnRequest request{};
    for (unsigned i = 0; i < os::kMaxModuleName && name[i] != '\0'; ++i) request.module[i] = name[i];
    for (unsigned i = 0; i < os::kMaxArgs && args[i] != '\0'; ++i) request.args[i] = args[i];
    auto reply = l4::rpc::call<os::proto::Spawn>(pager_of(l4::processor_no()), request);
    return reply.ok() ? reply.value() : ThreadId::nil();
}

void wait_for_all_tasks() {
    while (live_tasks() != 0) l4::sleep(l4::milliseconds(10));
}

ThreadId pager_of(unsigned cpu) { return cpu < kMaxCpus ? g_pagers[cpu] : ThreadId::nil(); }

}  // namespace baseos
