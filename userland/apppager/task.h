// task.h: the tasks of the NUMA OS as every application pager sees them (thesis 4.2.1,
// "Required Data Structures"): one record per task, in memory all pagers share.
//
// A task is all threads and address spaces of one program: one L4 space per node it
// has threads on, made on demand on that node (its home node is that node). Its master
// node is the node of the pager that started it: the master pager's tables say, for
// every global page, which frame backs it.
//
//   Shared (the OS area, numa::System::os_area)
//   +------------------------------------------+
//   | lock: task slots, thread numbers, exits  |
//   | thread_task[number] -> task slot + 1     |  which task a thread belongs to
//   | tasks[i]:                                |
//   |   lock (the master pager's lock)         |  guards the rest of the task
//   |   threads[slot]: id, cpu, node of space  |  UTCB slot = thread slot, in every space
//   |   directory[node] -> (task, node) table  |  two levels, as the MMU's; frames
//   |                                          |  of node's pool
//   +------------------------------------------+
//
//   directory[va >> 22] -> table[(va >> 12) & 1023] = frame | local | rights
//
// A frame is an address in the pool area (numa/layout.h); `local` marks a page only
// this node's space maps (a replicated code page), which is never in the master's
// table. Lock order: a task's lock, then Shared::lock, then a pool's lock.
#pragma once

#include "api/rights.h"
#include "api/thread_id.h"
#include "lib/elf.h"
#include "l4/spin_lock.h"
#include "l4/thread_numbers.h"
#include "numa/layout.h"
#include "numa/system.h"
#include "os/layout.h"
#include "os/protocol.h"

namespace apppager {

using api::ThreadId;
using api::Word;

inline constexpr Word kEntryLocal = 1 << 3;
inline constexpr Word kEntryRights = 7;

struct ThreadRecord {
    ThreadId id;    ///< nil: a free slot
    unsigned cpu;
    unsigned node;  ///< the node of the space it is in
};

struct Task {
    l4::SpinLock lock;
    bool used;
    char name[os::kMaxModuleName + 1];
    char args[os::kMaxArgs + 1];
    const numa::ModuleRecord* module;
    elf::ElfImage image;
    Word image_end;
    unsigned master_node;
    ThreadRecord threads[os::kMaxThreads];  ///< by UTCB slot; [0] is the main thread
    Word directory[numa::kMaxNodes];        ///< the (task, node) tables; 0: no space there
    Word page_faults;
    Word pages;         ///< frames the task holds (global and local)
    Word table_frames;  ///< frames of its tables
};

struct ExitRecord {
    ThreadId main;
    char name[os::kMaxModuleName + 1];
    int code;
};

struct Shared {
    static constexpr unsigned kMaxTasks = 16;
    static constexpr unsigned kExitRecords = 32;

    l4::SpinLock lock;
    l4::ThreadNumbers numbers GUARDED_BY(lock);
    uint8_t thread_task[l4::ThreadNumbers::kMaxNumbers] GUARDED_BY(lock);
    Task tasks[kMaxTasks];  ///< `used` guarded by lock, the rest by each task's lock
    ExitRecord exits[kExitRecords] GUARDED_BY(lock);
    unsigned exit_count GUARDED_BY(lock);
};

/// The pagers' shared tables (the OS area the root pager made).
[[nodiscard]] Shared& shared();

/// The task `thread` belongs to, locked, or null; *record (if given) its record there.
/// The caller unlocks task->lock.
[[nodiscard]] Task* lock_task_of(ThreadId thread, ThreadRecord** record = nullptr);
/// The record of `thread` in `task`, or null.
[[nodiscard]] ThreadRecord* thread_record(Task& task, ThreadId thread);

/// Starts `module` as a new task on this pager's CPU (its master node is this node),
/// with argument string `args`: its main thread runs at the ELF entry. Returns the main
/// thread, or nil and *why.
[[nodiscard]] ThreadId spawn_task(const numa::ModuleRecord& module, const char* args, const char** why);
/// A new thread of `task` on `cpu`, in the task's space on that CPU's node (made now if
/// the task has none there), started at ip, sp; nil if refused. Needs task.lock.
[[nodiscard]] ThreadId add_thread_locked(Task& task, unsigned cpu, Word ip, Word sp);
/// Moves `thread` of `task` to `cpu`; false if refused. Needs task.lock.
[[nodiscard]] bool move_thread_locked(Task& task, ThreadRecord& thread, unsigned cpu);
/// Ends `task`: deletes its threads (and so its spaces), takes back every frame and
/// records its exit code. Needs task.lock; the task is free afterwards.
void destroy_task_locked(Task& task, int code);

/// Serves a page fault of `thread` of `task` at `address` (task_memory.cc). False and
/// *why if the task touched what it must not; the caller then kills it. Needs task.lock.
[[nodiscard]] bool resolve_fault_locked(Task& task, const ThreadRecord& thread, Word address, bool write,
                                        Word* frame, api::Rights* rights, const char** why);
/// Gives every frame and table of `task` back to its pool. Needs task.lock, and the
/// task's spaces gone.
void reclaim_memory_locked(Task& task);

}  // namespace apppager
