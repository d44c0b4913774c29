// task.h: the tasks of the NUMA OS as every application pager sees them (thesis 4.2.1,
// "Required Data Structures"): one record per task, in memory all pagers share.
//
// A task is all threads and address spaces of one program: one L4 space per node it
// has threads on, made on demand on that node (its home node is that node). Its master
// node is the node of the pager that started it: the master table says, for every
// global page, which frame backs it.
//
//   Shared (the OS area, numa::System::os_area)
//   +---------------------------------------------+
//   | lock: task slots, thread numbers, exits     |
//   | thread_task[number] -> task slot + 1        |  which task a thread belongs to
//   | tasks[i]:                                   |
//   |   lock: threads, local ranges, life         |
//   |   threads[slot]: id, cpu, node of space     |  UTCB slot = thread slot, in every space
//   |   on_cpu[cpu]: thread slots there (bits)    |  the per-CPU thread lists
//   |   local[]: make_local ranges                |
//   |   node[n]: lock, table of n's space         |  what n's space maps: frames of n's
//   |                                             |  pool (local) or any pool (global)
//   |   master: lock (spin or MCS), table         |  every global page's one frame
//   +---------------------------------------------+
//
//   table: directory[va >> 22] -> second level[(va >> 12) & 1023] = frame | local | rights
//
// A frame is an address in the pool area (numa/layout.h); `local` marks a frame only
// node n's space maps (a replicated code page, a make_local page), which is never in
// the master's table. Every frame of a task has its owner in its pool's reverse map
// (numa::Pool::owner): the page and the task's slot, owner_of().
//
// Locks, in the order they may be taken: a task's own lock (threads, ranges, its life),
// the task's master lock, one node lock of the same task, a pool's lock; Shared::lock
// alone or under a task's own lock. A page fault takes no task's own lock: it only
// raises `busy`, so that a task that ends waits for the faults in progress, and nobody
// who holds a master or node lock ever waits for a task's own lock (memory.h).
#pragma once

#include "api/rights.h"
#include "api/thread_id.h"
#include "lib/elf.h"
#include "l4/spin_lock.h"
#include "l4/thread_numbers.h"
#include "numa/layout.h"
#include "numa/pager_lock.h"
#include "numa/system.h"
#include "os/layout.h"
#include "os/protocol.h"

namespace apppager {

using api::ThreadId;
using api::Word;

inline constexpr Word kEntryLocal = 1 << 3;
inline constexpr Word kEntryRights = 7;
inline constexpr unsigned kMaxLocalRanges = 8;

struct ThreadRecord {
    ThreadId id;    ///< nil: a free slot
    unsigned cpu;
    unsigned node;  ///< the node of the space it is in
};

/// What node n's space of a task maps: guarded by `lock`, which the pagers of node n
/// take to serve a fault and the master-lock holder takes to change n's entries.
struct NodeSpace {
    l4::SpinLock lock;
    Word directory GUARDED_BY(lock);  ///< 0: no table yet
    uint64_t mapped_by GUARDED_BY(lock);  ///< bit c: the pager of CPU c mapped a page into
                                          ///< n's space (answer()): an unmap must ask it
};

/// The master pager's table: the frame of every global page (thesis 4.2.1).
struct MasterTable {
    numa::PagerLock lock;
    Word directory GUARDED_BY(lock);
};

struct LocalRange {
    Word start;
    Word end;
};

struct Task {
    l4::SpinLock lock;
    bool used;
    bool dying GUARDED_BY(lock);  ///< ending: nobody may find it any more
    unsigned busy;                ///< page faults in progress (atomic)
    char name[os::kMaxModuleName + 1];
    char args[os::kMaxArgs + 1];
    const numa::ModuleRecord* module;
    elf::ElfImage image;
    Word image_end;
    unsigned master_node;
    ThreadRecord threads[os::kMaxThreads] GUARDED_BY(lock);  ///< by UTCB slot; [0] is the main thread
    uint64_t on_cpu[numa::kMaxCpus] GUARDED_BY(lock);        ///< bit s: threads[s] runs there
    LocalRange local[kMaxLocalRanges];  ///< written under lock; local_count published last
    unsigned local_count;               ///< atomic
    NodeSpace node[numa::kMaxNodes];
    MasterTable master;
    // Statistics, atomic: the pagers of every node change them.
    Word page_faults;
    Word master_locks;  ///< how often its master lock was taken (counted under it)
    Word pages;         ///< frames the task holds (global and local)
    Word table_frames;  ///< frames of its tables
    Word unmaps;          ///< os::unmap calls done (Lab 6)
    Word unmapped_pages;  ///< pages they found held, taken away or made read-only
    Word migrations;      ///< threads moved to another node's space (Lab 7)
    Word spaces_made;     ///< of which into a space made for them with a dummy thread
    Word nodes_left;      ///< last threads leaving a node: its space and table gone
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
/// A task that is ending is nobody's. The caller unlocks task->lock.
[[nodiscard]] Task* lock_task_of(ThreadId thread, ThreadRecord** record = nullptr);
/// The record of `thread` in `task`, or null.
[[nodiscard]] ThreadRecord* thread_record(Task& task, ThreadId thread) REQUIRES(task.lock);
/// The task's slot in Shared::tasks.
[[nodiscard]] unsigned slot_of(const Task& task);

/// Starts `module` as a new task on this pager's CPU (its master node is this node),
/// with argument string `args`: its main thread runs at the ELF entry. Returns the main
/// thread, or nil and *why.
[[nodiscard]] ThreadId spawn_task(const numa::ModuleRecord& module, const char* args, const char** why);
/// A new thread of `task` on `cpu`, in the task's space on that CPU's node (made now if
/// the task has none there), started at ip, sp; nil if refused.
[[nodiscard]] ThreadId add_thread_locked(Task& task, unsigned cpu, Word ip, Word sp) REQUIRES(task.lock);
/// Moves `thread` of `task` to `cpu`, into the task's space on cpu's node (migration.cc,
/// Lab 7); false if refused.
[[nodiscard]] bool migrate_thread_locked(Task& task, ThreadRecord& thread, unsigned cpu) REQUIRES(task.lock);

// What migration.cc is built from (task.cc):
/// Moves `thread` to `cpu` without changing its space: to a CPU of its own node, where
/// that CPU's pager takes it over, or (the off switch, migrate=cpu) to any CPU, where it
/// keeps its pager. False if the root pager refused.
[[nodiscard]] bool move_cpu_only(Task& task, ThreadRecord& thread, unsigned cpu) REQUIRES(task.lock);
/// A thread of `task` whose space is on `node`, other than `except` (may be null); nil
/// if there is none.
[[nodiscard]] ThreadId thread_on_node(Task& task, unsigned node, const ThreadRecord* except) REQUIRES(task.lock);
/// Records that `thread` now runs on `cpu`, in the task's space on cpu's node.
void record_cpu(Task& task, ThreadRecord& thread, unsigned cpu) REQUIRES(task.lock);
/// Waits until no page fault or unmap of `task` is being served: none can start while
/// the caller holds task.lock, so the tables hold still for a thread's move.
void wait_for_faults(Task& task) REQUIRES(task.lock);
/// A free thread number for a dummy thread (it belongs to no task), or nil.
[[nodiscard]] ThreadId new_dummy_id();
/// Deletes dummy thread `dummy` (if the kernel still has it) and frees its number.
void delete_dummy(ThreadId dummy);
/// Ends `task`: waits for its faults in progress, deletes its threads (and so its
/// spaces), takes back every frame and records its exit code. The task is free
/// afterwards; the caller still unlocks task.lock.
void destroy_task_locked(Task& task, int code) REQUIRES(task.lock);

/// Gives every frame and table of `task` back to its pool (task_memory.cc); per_pool[n]:
/// how many of the task's pages went back to node n's pool. The task's spaces must be
/// gone and no fault in progress.
void reclaim_memory(Task& task, Word (&per_pool)[numa::kMaxNodes]);

}  // namespace apppager
