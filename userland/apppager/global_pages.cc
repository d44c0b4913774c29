// global_pages.cc: a fault on a global page: the master pager's table decides which frame
// backs it, for every node's space of the task (thesis 4.2.1, 4.2.6). Lab 5.
//
// Thread T, whose space is on node n, touches page P of the heap, a stack or the
// writable image, and n's table has no entry for P (task_memory.cc looked):
//   1. take the task's master lock;
//   2. look P up in the master's table:
//        hit:  another node touched P first: its frame is the page, for n too;
//        miss: first touch: a new frame from n's own pool (new_frame of
//              fault.first_touch_node, which is n unless the off switch placement=master
//              says the master node), filled from the image or left zero, entered into
//              the master's table with its rights;
//   3. under n's node lock, enter the same entry into n's table and answer the fault;
//   4. the locks go, in the reverse order.
// Two pagers faulting on P at once both take the master lock; the second finds the
// first one's frame, so P has one frame. Entering into n's table lets n's pagers map P
// again without the master lock (task_memory.cc, step 1).
//
// Tests: l4.numa.first_touch (every frame on the node that touched it first),
// l4.numa.one_frame_shared (all threads of all nodes, at once: one frame per page).
#include "api/rights.h"
#include "l4/lab.h"
#include "memory.h"

namespace apppager {

const char* map_global_page(const Fault& fault, bool image) {
    // LAB 5: your code here
    // n = fault.node. Under the task's master lock (MasterLock master(fault.task)):
    //   master_entry(task, fault.page): null -> return "out of memory ...";
    //   0 -> first touch: new_frame(fault, fault.first_touch_node) (0 -> out of memory),
    //        rights = image ? fill_from_image(task, page, frame) : Full;
    //        *entry = make_entry(frame, rights, false) (global: not local);
    // then, still under it, take n's node lock (NodeLock own(task, n)), enter the same
    // entry into n's table (node_entry) and answer(fault, entry). Return nullptr.
    l4::lab_missing(5, "userland/apppager/global_pages.cc", "apppager::map_global_page");
}

}  // namespace apppager
