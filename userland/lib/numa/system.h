// system.h: what the root pager tells every application pager, in memory they share.
//
// The root pager fills one System record before it starts any pager, in the pool of its
// own node (right after that pool's header), and sends each pager its address in the
// start-up message (root_protocol.h). From then on the root pager only reads it, except
// the per-pager fault counts its workers keep; the pagers keep their own shared tables
// in the OS area it points to (userland/apppager/shared.h), and the task counts the root
// pager waits on.
//
//   System
//   +----------------------------------------+
//   | cpus, nodes, pool node of each node    |  a memoryless node's CPUs use the pool
//   | pagers[cpu]: ids, node, pool, faults   |  of the nearest node with memory
//   | modules[]: name, args, window address  |  programs the pagers load
//   | OS area (address, size)                |  zeroed pages for the pagers' tables
//   | master_lock: spin or MCS               |  the kind of every master table's lock
//   | placement: first touch or master       |  the Lab 5 off switch
//   | unmap_mode: sync or async              |  Lab 6's challenge
//   | migration: spaces or cpu only          |  the Lab 7 off switch
//   | live / ended / failed task counts      |  written by the pagers
//   +----------------------------------------+
#pragma once

#include "api/thread_id.h"
#include "api/word.h"
#include "numa/layout.h"
#include "numa/pager_lock.h"
#include "os/protocol.h"

namespace numa {

using api::ThreadId;

/// Where the application pagers put a task's pages (root pager option placement=).
enum class Placement : Word {
    FirstTouch = 0,  ///< a global page from the pool of the node that touches it first;
                     ///< code replicated per node (thesis 4.2.5, 4.2.6)
    Master = 1,      ///< the off switch: every page from the master node's pool, code
                     ///< not replicated (one global copy), as a non-NUMA pager would
};

/// How a global unmap reaches the other pagers (root pager option unmap=; Lab 6).
enum class UnmapMode : Word {
    Sync = 0,   ///< one request after the other, each answer awaited (thesis 4.2.1)
    Async = 1,  ///< every request first, then the answers (thesis 5.4.2's future work):
                ///< Lab 6's challenge problem, for the student to build; the reference
                ///< unmaps synchronously
};

/// What a thread's move to a CPU of another node does (root pager option migrate=; Lab 7).
enum class Migration : Word {
    Spaces = 0,   ///< it moves into its task's space on the new node (made with a dummy
                  ///< thread if there is none) and gets that CPU's pager (thesis 4.2.4)
    CpuOnly = 1,  ///< the off switch: it only runs elsewhere; its space, its UTCB, its
                  ///< pager and so its new pages stay on the old node
};

/// How many L4 spaces a task has (root pager option spaces=).
enum class Spaces : Word {
    PerNode = 0,  ///< one on each node it has threads on, each node's pager mapping into
                  ///< its own (thesis 3.2.3): the NUMA OS
    Single = 1,   ///< one for all its threads, every pager mapping into it: the thesis's
                  ///< experiment of Figure 5.16 (5.4.1), for the evaluation lab; no
                  ///< per-node page tables, and a page mapped once is seen everywhere
};

struct PagerRecord {
    ThreadId pager;        ///< the application pager's (main) thread
    ThreadId root_worker;  ///< the root pager's worker on the same CPU: its pager and system-call server
    ThreadId unmap_worker;  ///< the pager's second thread, which unmaps on other pagers' request
    unsigned cpu;
    unsigned node;       ///< the CPU's node: the home node of the pager's space
    unsigned pool_node;  ///< whose pool it allocates from and runs its code from
    Word faults;         ///< page faults the root pager served it (its worker counts)
    Word late_faults;    ///< of which after the pager said it was ready: must stay 0
    bool ready;
};

struct ModuleRecord {
    Word address;  ///< the ELF file, in the module window
    Word size;
    char name[os::kMaxModuleName + 1];
    char args[os::kMaxArgs + 1];
};

struct System {
    static constexpr unsigned kMaxModules = 16;

    unsigned cpus;
    unsigned nodes;
    unsigned pool_node[kMaxNodes];  ///< node n allocates from pool_node[n]'s pool
    bool has_pool[kMaxNodes];
    PagerRecord pagers[kMaxCpus];
    unsigned module_count;
    ModuleRecord modules[kMaxModules];
    Word os_area;        ///< zeroed pages for the pagers' shared tables
    Word os_area_bytes;
    Word first_task_thread;  ///< thread numbers from here up are the pagers' to give
    LockKind master_lock;    ///< the lock of every task's master table (option lock=)
    Placement placement;     ///< where new pages of tasks come from (option placement=)
    UnmapMode unmap_mode;    ///< how a global unmap asks the other pagers (option unmap=)
    Migration migration;     ///< what a move to another node does (option migrate=)
    Spaces spaces;           ///< one space per node of a task, or one in all (option spaces=)
    // Written by the pagers (atomically), read by the root pager.
    unsigned live_tasks;
    unsigned ended_tasks;
    unsigned failed_tasks;

    [[nodiscard]] const ModuleRecord* find_module(const char* name) const;
    /// The pager record whose pager thread is `thread`, or null.
    [[nodiscard]] const PagerRecord* pager_by_thread(ThreadId thread) const;
};

}  // namespace numa
