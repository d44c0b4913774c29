// migration.cc: moving a thread of a task to a CPU of another node (Lab 7, thesis 4.2.4).
//
// A task has one L4 space per node it has threads on (task.h), so a thread that moves to
// another node must change spaces too, or its page tables, its UTCB and every page it
// touches from then on would stay on the old node:
//
//   (1) to a CPU of its own node: only its CPU and its pager change (move_cpu_only);
//   (2) to a node where the task has threads: it moves into their space there;
//   (3) to a node where it has none: a space is made there first. L4 names a space only
//       by a thread in it, so the root pager's worker of the target CPU makes a dummy
//       thread in a new space (home node: the target node); the thread moves into it,
//       and the dummy, which never ran, is deleted;
//   (4) if it was the task's last thread on its old node, the kernel destroyed that
//       space when the thread left, and the pagers forget what it mapped: the node's
//       table and the node's own frames go back to the pools. The master's table stays,
//       also when the old node was the master node: every other node still looks its
//       global pages up there.
//
// The move itself is ThreadControl on an existing thread with another space (the root
// pager's move_to_space, numa/root_protocol.h): the thread keeps its registers, its
// stack and its UTCB address; the kernel gives it a UTCB page of the new space and
// moves its TCB when it changes CPUs (Lab 3). Nothing of the task's records has to be
// copied to the destination pager: every pager sees them (task.h); the new space's
// table starts empty and fills from the master's table fault by fault (thesis 4.2.4
// leaves copying it eagerly as an option).
//
// The caller holds the task's lock, so no thread of the task is made, moved or deleted
// meanwhile, and no fault starts; wait_for_faults() lets those in progress end first.
// Lab 7's parts: make_space_on, leave_node, migrate_thread_locked.
#include "l4/lab.h"
#include "l4/rpc.h"
#include "memory.h"
#include "numa/root_protocol.h"
#include "pager.h"
#include "task.h"

namespace apppager {

namespace {

/// A new space of the task on the node of `cpu`, named by a dummy thread that the root
/// pager's worker of `cpu` makes in it: returns the dummy, or nil (nothing made).
/// ([[maybe_unused]]: in the handout nothing calls it until migrate_thread_locked does.)
[[maybe_unused]] ThreadId make_space_on(unsigned cpu) {
    ThreadId dummy = new_dummy_id();
    if (dummy.is_nil()) return dummy;
    auto made = l4::rpc::call<numa::root_proto::CreateSpace>(root_worker_of(cpu), dummy);
    if (!made.ok() || made.value() != 1) {
        delete_dummy(dummy);
        return ThreadId::nil();
    }
    return dummy;
}

/// The task's last thread on `node` has left it, and with it the task's space there:
/// the pagers forget that space. Its table goes (under the node's lock: an unmap may be
/// looking at it), and no pager is asked to unmap from it any more. The master's table
/// is not the node's: it stays.
[[maybe_unused]] void leave_node(Task& task, unsigned node) {
    NodeLock lock(task, node);
    (void)release_node_table(task, node);
    task.node[node].mapped_by = 0;
}

}  // namespace

bool migrate_thread_locked(Task& task, ThreadRecord& thread, unsigned cpu) {
    unsigned from = thread.node;
    unsigned to = node_of_cpu(cpu);
    if (to == from || system().migration == numa::Migration::CpuOnly) return move_cpu_only(task, thread, cpu);
    // (1) The tables hold still: no fault of the task is being served.
    wait_for_faults(task);
    // (2) The task's space on the target node: a thread's there, or a new one.
    ThreadId space = thread_on_node(task, to, &thread);
    ThreadId dummy = ThreadId::nil();
    if (space.is_nil()) {
        dummy = space = make_space_on(cpu);
        if (space.is_nil()) return false;
    }
    // (3) The thread goes into it, with the pager of its new CPU; the dummy goes.
    auto moved = l4::rpc::call<numa::root_proto::MoveToSpace>(root_worker_of(g_self.cpu), thread.id, space,
                                                               Word{cpu}, pager_of(cpu));
    if (!dummy.is_nil()) delete_dummy(dummy);
    if (!moved.ok() || moved.value() != 1) return false;
    record_cpu(task, thread, cpu);
    __atomic_fetch_add(&task.migrations, 1, __ATOMIC_RELAXED);
    if (!dummy.is_nil()) __atomic_fetch_add(&task.spaces_made, 1, __ATOMIC_RELAXED);
    // (4) The last one out of its old node: that space is gone, and so is its table.
    if (thread_on_node(task, from, nullptr).is_nil()) {
        leave_node(task, from);
        __atomic_fetch_add(&task.nodes_left, 1, __ATOMIC_RELAXED);
    }
    return true;
}

}  // namespace apppager
