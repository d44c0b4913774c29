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
    // LAB 7: your code here
    // A number for the dummy (new_dummy_id(); nil: none left, return it). Ask the root
    // pager's worker of `cpu` (root_worker_of(cpu)), whose CPU is on the target node, to
    // make it: l4::rpc::call<numa::root_proto::CreateSpace>(worker, dummy). Unless that
    // came back ok with value 1, give the number back (delete_dummy) and return nil.
    (void)cpu;
    l4::lab_missing(7, "userland/apppager/migration.cc", "apppager::make_space_on");
}

/// The task's last thread on `node` has left it, and with it the task's space there:
/// the pagers forget that space. Its table goes (under the node's lock: an unmap may be
/// looking at it), and no pager is asked to unmap from it any more. The master's table
/// is not the node's: it stays.
[[maybe_unused]] void leave_node(Task& task, unsigned node) {
    // LAB 7: your code here
    // Under NodeLock(task, node): release_node_table(task, node) (memory.h), and the
    // node's mapped_by becomes 0. Leave task.master alone, whichever node this is.
    (void)task, (void)node;
    l4::lab_missing(7, "userland/apppager/migration.cc", "apppager::leave_node");
}

}  // namespace

bool migrate_thread_locked(Task& task, ThreadRecord& thread, unsigned cpu) {
    unsigned from = thread.node;
    unsigned to = node_of_cpu(cpu);
    if (to == from || system().migration == numa::Migration::CpuOnly) return move_cpu_only(task, thread, cpu);
    // LAB 7: your code here
    // 1. wait_for_faults(task).
    // 2. space = thread_on_node(task, to, &thread); if nil, make_space_on(cpu) makes one
    //    and its dummy names it (nil again: return false).
    // 3. l4::rpc::call<numa::root_proto::MoveToSpace>(root_worker_of(g_self.cpu),
    //    thread.id, space, Word{cpu}, pager_of(cpu)); then delete the dummy if you made
    //    one (delete_dummy), whether the move went or not. Not ok, or not 1: false.
    // 4. record_cpu(task, thread, cpu); count task.migrations (and task.spaces_made if a
    //    dummy made the space), atomically: other pagers read them.
    // 5. If no thread of the task is left on `from` (thread_on_node(task, from,
    //    nullptr) is nil): leave_node(task, from), and count task.nodes_left.
    (void)task, (void)thread, (void)from;
    l4::lab_missing(7, "userland/apppager/migration.cc", "apppager::migrate_thread_locked");
}

}  // namespace apppager
