// memory.h: what the page-fault path is made of (thesis 4.2.1, 4.2.5): the fault, the
// tables, frames, locks and the answer. task_memory.cc decides which kind of page a
// fault is on; the Lab 5 files serve each kind with these pieces:
//   global_pages.cc  a global page: the master's table under its lock, first touch
//   local_pages.cc   a make_local page: a frame of the node's own, never in the master
//   promotion.cc     a code page: a replica per node, made global on a write
//
// Answering a fault: answer() sends the map item to the faulting thread itself, with
// the node lock of the faulting thread's space held (and the master lock, where it is
// held). So a frame that a lock holder takes out of node n's table can never be mapped
// into n's space afterwards: every mapping of it happened before, and an unmap reaches
// it (promotion.cc, unmap.h).
#pragma once

#include "api/fpage.h"
#include "api/msg_tag.h"
#include "api/rights.h"
#include "api/thread_id.h"
#include "l4/mcs_lock.h"
#include "l4/spin_lock.h"
#include "numa/pager_lock.h"
#include "os/protocol.h"
#include "task.h"

namespace apppager {

/// A page fault being served.
struct Fault {
    Task& task;
    unsigned node;    ///< the node of the faulting thread's space (whose table it uses)
    unsigned first_touch_node;  ///< whose pool a new global page comes from: `node`, or
                                ///< the master node with placement=master (the off switch)
    ThreadId thread;  ///< the faulting thread, waiting for the answer
    Word page;        ///< the faulting address, rounded down to its page
    bool write;
};

/// Serves `fault` (task_memory.cc): answers it, or returns why the task must die.
[[nodiscard]] const char* resolve_fault(const Fault& fault);

// --- the tables (task.h draws them) -----------------------------------------------

/// Node `node`'s entry for `page`, making the table's levels (frames of the node's
/// pool) if needed; null when the pool is used up.
[[nodiscard]] Word* node_entry(Task& task, unsigned node, Word page) REQUIRES(task.node[node].lock);
/// Node `node`'s entry for `page` if its table has one, else 0.
[[nodiscard]] Word node_lookup(Task& task, unsigned node, Word page) REQUIRES(task.node[node].lock);
/// The master's entry for `page`, making the levels (frames of the master node's pool)
/// if needed; null when that pool is used up.
[[nodiscard]] Word* master_entry(Task& task, Word page) REQUIRES(task.master.lock);
/// The master's entry for `page`, or 0.
[[nodiscard]] Word master_lookup(Task& task, Word page) REQUIRES(task.master.lock);

[[nodiscard]] inline Word frame_of(Word entry) { return entry & ~Word{0xFFF}; }
[[nodiscard]] inline api::Rights rights_of(Word entry) { return static_cast<api::Rights>(entry & kEntryRights); }
[[nodiscard]] inline bool is_local(Word entry) { return (entry & kEntryLocal) != 0; }
[[nodiscard]] inline Word make_entry(Word frame, api::Rights rights, bool local) {
    return frame | static_cast<Word>(rights) | (local ? kEntryLocal : 0);
}

// --- frames ----------------------------------------------------------------------

/// A zeroed frame of the pool of node `node`'s pagers, recorded in the pool's reverse
/// map as `fault.page` of `fault.task`; 0 when the pool is used up.
[[nodiscard]] Word new_frame(const Fault& fault, unsigned node);
/// Gives a frame of `task` back to its pool.
void free_frame(Task& task, Word frame);
/// Copies the image's bytes of `page` into `frame`: the rights the page gets
/// (Full if a writable segment overlaps it, else ReadExecute).
api::Rights fill_from_image(const Task& task, Word page, Word frame);
/// What the reverse map says for a frame of `task` at `page`.
[[nodiscard]] Word owner_of(const Task& task, Word page);

// --- locks -------------------------------------------------------------------------

/// This pager thread's MCS queue node, in its own node's pool (numa/pager_lock.h).
[[nodiscard]] l4::McsNode& my_lock_node();

/// Holds a task's master lock for a scope (and counts it: Task::master_locks).
class SCOPED_CAPABILITY MasterLock {
public:
    explicit MasterLock(Task& task) ACQUIRE(task.master.lock) : m_guard(task.master.lock, my_lock_node()) {
        ++task.master_locks;
    }
    ~MasterLock() RELEASE() = default;

private:
    numa::PagerLockGuard m_guard;
};

/// Holds the lock of a task's table for node `node` for a scope.
class SCOPED_CAPABILITY NodeLock {
public:
    NodeLock(Task& task, unsigned node) ACQUIRE(task.node[node].lock) : m_guard(task.node[node].lock) {}
    ~NodeLock() RELEASE() = default;

private:
    l4::SpinLockGuard m_guard;
};

// --- answering and unmapping --------------------------------------------------------

/// Maps the frame of `entry` with its rights at fault.page to the faulting thread: the
/// answer to the fault. Call it with the node lock of fault.node held.
void answer(const Fault& fault, Word entry) REQUIRES(fault.task.node[fault.node].lock);

/// Takes `frame` out of node `node`'s space of `task`: every pager of that node unmaps
/// it (unmap.h, unmap_frame), and this returns when all have. Call it with no node
/// lock held. (Lab 5's promotion; the global unmap of Lab 6 is below.)
void unmap_from_node(unsigned node, Word frame);

// --- the global unmap (Lab 6) -----------------------------------------------------------

/// Node `node`'s entry for `page` if its table has one (no levels are made), else null.
[[nodiscard]] Word* node_slot(Task& task, unsigned node, Word page) REQUIRES(task.node[node].lock);
/// The master's entry for `page` if its table has one, else null.
[[nodiscard]] Word* master_slot(Task& task, Word page) REQUIRES(task.master.lock);
/// Whether node `node` has a table for `task`: whether any pager of that node ever
/// mapped a page of the task. A table made after the master lock holder looked has no
/// global entry that lock holder is taking away (those need the master lock).
[[nodiscard]] bool node_has_table(Task& task, unsigned node);
/// Whether `fpage` may be in an unmap request (numa/pager_protocol.h): one page of a
/// pool, with the rights Full or Write to take away.
[[nodiscard]] bool is_unmap_fpage(api::Fpage fpage);

/// global_unmap.cc: os::unmap(start, count, how) of `task` (service.cc checked the
/// range): under the master lock, the master's table changes and unmap_everywhere;
/// `status` gets the held, referenced and dirty bits of each page.
void global_unmap(Task& task, Word start, unsigned count, os::UnmapHow how, os::UnmapStatus& status);
/// global_unmap.cc: takes `count` pages of `task` (pages[i], whose frame and rights to
/// take are fpages[i]; any number of them) away from every node: out of each node's
/// table, then out of every space, by this pager (unmap_here) and the unmap worker of
/// every other pager that mapped something of the task there, at most kMaxUnmapFpages
/// per request, waiting for every answer. status[i] gets fpage i's access status,
/// ORed over all of them.
void unmap_everywhere(Task& task, const Word* pages, const api::Fpage* fpages, unsigned count, api::Rights* status)
    REQUIRES(task.master.lock);
/// unmap.cc: asks the unmap worker of the pager of `cpu` to unmap `count` fpages
/// (count <= kMaxUnmapFpages; numa/pager_protocol.h) and waits for its answer: they
/// come back with their status bits. False if the worker did not answer so.
[[nodiscard]] bool ask_worker(unsigned cpu, api::Fpage* fpages, unsigned count);
/// unmap_worker.cc: one Unmap system call for `count` fpages (count <= kMaxUnmapFpages)
/// in this pager's space, without flush: each comes back with its status bits in its
/// rights. The originator calls it for its own space, the worker for its pager's.
void unmap_here(api::Fpage* fpages, unsigned count);
/// unmap_worker.cc: the unmap worker's handler of an unmap request (pager_protocol.h):
/// loads the reply; false for a malformed request (an RPC raw handler, l4/rpc.h).
bool serve_unmap(ThreadId from, api::MsgTag tag);

// --- thread migration (Lab 7) ----------------------------------------------------------

/// Gives node `node`'s table of `task` back: its levels and the frames only it maps
/// (replicas, make_local pages; task_memory.cc). Global frames stay: the master's table
/// holds them. Returns how many frames went back. For a node the task has left: its
/// space there is gone, so nothing maps these frames any more.
Word release_node_table(Task& task, unsigned node) REQUIRES(task.node[node].lock);

// --- the Lab 5 functions --------------------------------------------------------------

/// global_pages.cc: a fault on a global page (`image`: the page is in a writable
/// segment of the image, else heap or stack).
[[nodiscard]] const char* map_global_page(const Fault& fault, bool image);
/// local_pages.cc: a fault in a make_local range.
[[nodiscard]] const char* map_local_page(const Fault& fault);
/// local_pages.cc: make_local(start, bytes) of `task`; false if refused (os/protocol.h).
[[nodiscard]] bool add_local_range(Task& task, Word start, Word bytes) REQUIRES(task.lock);
/// promotion.cc: a read fault on a code page (read-only in the image).
[[nodiscard]] const char* map_code_page(const Fault& fault);
/// promotion.cc: a write fault on a code page: the page becomes global.
[[nodiscard]] const char* promote_code_page(const Fault& fault);

}  // namespace apppager
