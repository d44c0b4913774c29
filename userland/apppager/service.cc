// service.cc: the pager's loop: page faults of the tasks' threads on this CPU, and the
// OS protocol (os/protocol.h), the same one the base OS serves, so that every program in
// userland/apps runs on either OS. A fault the OS cannot serve kills the task; a
// malformed request gets the RPC layer's error reply, and the pager goes on.
#include "api/map_item.h"
#include "l4/ipc.h"
#include "l4/message.h"
#include "l4/print.h"
#include "l4/rpc.h"
#include "l4/utcb.h"
#include "numa/root_protocol.h"
#include "os/os.h"
#include "memory.h"
#include "pager.h"
#include "numa/pager_protocol.h"
#include "task.h"
#include "unmap.h"

namespace apppager {

namespace {

using l4::rpc::Reply;
using l4::rpc::Status;
using os::proto::Void;

constexpr unsigned kLoggedFaults = 3;  // the first faults of each task are printed

l4::rpc::Server g_server;  // set up before serving; read-only after

/// Unlocks a task that lock_task_of() locked when it goes out of scope.
class TaskLock {
public:
    explicit TaskLock(ThreadId thread) : m_task(lock_task_of(thread, &m_record)) {}
    ~TaskLock() {
        if (m_task != nullptr) m_task->lock.unlock();
    }
    TaskLock(const TaskLock&) = delete;
    TaskLock& operator=(const TaskLock&) = delete;
    [[nodiscard]] Task* task() const { return m_task; }
    /// The calling thread's record in task() (when there is a task).
    [[nodiscard]] const ThreadRecord& record() const { return *m_record; }

private:
    ThreadRecord* m_record = nullptr;
    Task* m_task;
};

const char* kind_of(const Task& task, Word address) {
    if (address < task.image_end) return "image";
    return address < os::kHeapEnd ? "heap" : "stack";
}

/// The task of a faulting thread (or one asking for an unmap), with `busy` raised while
/// it is served: the task cannot end meanwhile (destroy_task_locked waits), but no task
/// lock is held.
class BusyTask {
public:
    explicit BusyTask(ThreadId thread) {
        ThreadRecord* record = nullptr;
        m_task = lock_task_of(thread, &record);
        if (m_task == nullptr) return;
        m_node = record->node;
        __atomic_fetch_add(&m_task->busy, 1, __ATOMIC_ACQ_REL);
        m_task->lock.unlock();
    }
    ~BusyTask() { done(); }
    BusyTask(const BusyTask&) = delete;
    BusyTask& operator=(const BusyTask&) = delete;
    [[nodiscard]] Task* task() const { return m_task; }
    [[nodiscard]] unsigned node() const { return m_node; }
    void done() {
        if (m_task != nullptr) __atomic_fetch_sub(&m_task->busy, 1, __ATOMIC_ACQ_REL);
        m_task = nullptr;
    }

private:
    Task* m_task;
    unsigned m_node = 0;
};

/// Serves a page fault; the fault path answers it itself (memory.h), so this returns
/// false: the server has nothing more to send.
bool page_fault(ThreadId from, uint16_t label, Word address, Word ip) {
    bool write = (static_cast<Word>(api::fault_access(label)) & static_cast<Word>(api::Rights::Write)) != 0;
    BusyTask faulting(from);
    Task* task = faulting.task();
    if (task == nullptr) {
        l4::printf("apppager %u: page fault from %x, which is no task's thread: ignored\n", g_self.cpu, from.raw());
        return false;
    }
    Word page = address & ~(numa::kPageSize - 1);
    unsigned first_touch =
        system().placement == numa::Placement::Master ? task->master_node : faulting.node();
    const char* why = resolve_fault(Fault{*task, faulting.node(), first_touch, from, page, write});
    Word faults = __atomic_load_n(&task->page_faults, __ATOMIC_RELAXED);
    if (why == nullptr && faults <= kLoggedFaults)
        l4::printf("numaos: %s: page fault at %x (%s, %s) on CPU %u: pager %u, node %u%s\n", task->name, address,
                   kind_of(*task, address), write ? "write" : "read", l4::processor_no(), g_self.cpu,
                   faulting.node(), faults == kLoggedFaults ? "; further faults are counted, not shown" : "");
    faulting.done();
    if (why == nullptr) return false;
    TaskLock lock(from);
    if (lock.task() == nullptr) return false;  // somebody else ended it meanwhile
    l4::printf("numaos: task %s killed: thread %x %s %x (ip %x): %s\n", lock.task()->name, from.raw(),
               write ? "wrote" : "read", address, ip, why);
    destroy_task_locked(*lock.task(), -1);
    return false;
}

Reply<Void> do_exit(ThreadId from, Word code) {
    TaskLock lock(from);
    if (lock.task() == nullptr) return Status::Refused;
    destroy_task_locked(*lock.task(), static_cast<int>(code));
    return Void{};  // to a thread that is gone: the reply fails, and that is fine
}

Reply<ThreadId> do_create_thread(ThreadId from, Word cpu, Word ip, Word sp) {
    if (cpu >= system().cpus) return Status::Refused;
    TaskLock lock(from);
    Task* task = lock.task();
    if (task == nullptr) return Status::Refused;
    ThreadId id = add_thread_locked(*task, unsigned(cpu), ip, sp);
    if (id.is_nil()) return Status::Refused;
    l4::printf("numaos: %s: thread %x created on CPU %u (node %u)\n", task->name, id.raw(), unsigned(cpu),
               node_of_cpu(unsigned(cpu)));
    return id;
}

Reply<Word> do_migrate_thread(ThreadId from, ThreadId thread, Word cpu) {
    if (cpu >= system().cpus) return Status::Refused;
    TaskLock lock(from);
    Task* task = lock.task();
    ThreadRecord* record = task != nullptr ? thread_record(*task, thread) : nullptr;
    if (record == nullptr || !migrate_thread_locked(*task, *record, unsigned(cpu))) return Status::Refused;
    l4::printf("numaos: %s: thread %x migrated to CPU %u (node %u)\n", task->name, thread.raw(), unsigned(cpu),
               node_of_cpu(unsigned(cpu)));
    return Word{1};
}

Reply<ThreadId> do_spawn(ThreadId, os::SpawnRequest request) {
    request.module[os::kMaxModuleName] = '\0';
    request.args[os::kMaxArgs] = '\0';
    const numa::ModuleRecord* module = system().find_module(request.module);
    if (module == nullptr) {
        l4::printf("numaos: spawn: no module called '%s'\n", l4::printable_or(request.module, "(unprintable)"));
        return Status::Refused;
    }
    const char* why = "";
    ThreadId main = spawn_task(*module, request.args, &why);
    if (main.is_nil()) {
        l4::printf("numaos: cannot load %s: %s\n", module->name, why);
        return Status::Refused;
    }
    l4::printf("numaos: task %s loaded (args '%s') by pager %u: main thread %x, master node %u\n", module->name,
               l4::printable_or(request.args, "(unprintable)"), g_self.cpu, main.raw(), g_self.node);
    return main;
}

Reply<os::TaskInfo> do_task_info(ThreadId from) {
    TaskLock lock(from);
    if (lock.task() == nullptr) return Status::Refused;
    return os::TaskInfo{__atomic_load_n(&lock.task()->page_faults, __ATOMIC_RELAXED),
                        __atomic_load_n(&lock.task()->pages, __ATOMIC_RELAXED)};
}

Reply<Word> do_make_local(ThreadId from, Word start, Word bytes) {
    TaskLock lock(from);
    if (lock.task() == nullptr || !add_local_range(*lock.task(), start, bytes)) return Status::Refused;
    return Word{1};
}

/// Whether os::unmap may act on [start, start + pages pages) of `task` (os/protocol.h).
bool unmap_allowed(const Task& task, Word start, Word pages, os::UnmapHow how) {
    if (how != os::UnmapHow::Unmap && how != os::UnmapHow::ReadOnly) return false;
    if (start % numa::kPageSize != 0 || pages == 0 || pages > os::kMaxUnmapPages) return false;
    auto within = [&](Word low, Word high) {  // no overflow: start < high first
        return start >= low && start < high && pages <= (high - start) / numa::kPageSize;
    };
    Word end = start + pages * numa::kPageSize;
    bool heap = within(task.image_end, os::kHeapEnd);
    bool stack = within(os::kStackArea, os::kStackAreaEnd);
    if (!heap && !stack) return false;
    unsigned ranges = __atomic_load_n(&task.local_count, __ATOMIC_ACQUIRE);
    for (unsigned i = 0; i < ranges; ++i)
        if (start < task.local[i].end && task.local[i].start < end) return false;
    return true;
}

Reply<os::UnmapStatus> do_unmap(ThreadId from, Word start, Word pages, os::UnmapHow how) {
    BusyTask busy(from);
    Task* task = busy.task();
    if (task == nullptr || !unmap_allowed(*task, start, pages, how)) return Status::Refused;
    os::UnmapStatus status{};
    global_unmap(*task, start, unsigned(pages), how, status);
    Word held = 0;
    for (Word mask : status.held) held += Word(__builtin_popcount(mask));
    __atomic_fetch_add(&task->unmaps, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&task->unmapped_pages, held, __ATOMIC_RELAXED);
    return status;
}

Reply<os::ArgsText> do_args(ThreadId from) {
    os::ArgsText text{};
    TaskLock lock(from);
    if (lock.task() == nullptr) return Status::Refused;
    for (unsigned i = 0; i <= os::kMaxArgs; ++i) text.text[i] = lock.task()->args[i];
    return text;
}

Reply<numa::PagerWhereabouts> do_whereabouts(ThreadId) {
    return numa::PagerWhereabouts{l4::processor_no(), g_self.cpu, g_self.node, g_self.pool_node};
}

}  // namespace

void serve() {
    g_server.on<os::proto::Exit>(do_exit);
    g_server.on<os::proto::CreateThread>(do_create_thread);
    g_server.on<os::proto::MigrateThread>(do_migrate_thread);
    g_server.on<os::proto::Spawn>(do_spawn);
    g_server.on<os::proto::GetTaskInfo>(do_task_info);
    g_server.on<os::proto::GetArgs>(do_args);
    g_server.on<os::proto::MakeLocal>(do_make_local);
    g_server.on<os::proto::Unmap>(do_unmap);
    g_server.on<numa::root_proto::Whereabouts>(do_whereabouts);
    g_server.on<numa::pager_proto::CheckWorker>(check_worker);
    g_server.serve_with_faults(page_fault);
}

}  // namespace apppager
