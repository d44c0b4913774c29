// promotion.cc: code pages: replicated read-only on every node, and made global when
// somebody writes one (thesis 4.2.5, "similar to copy on write"). Lab 5.
//
// map_code_page: a read fault on page P of the read-only image, on node n, whose table
// has no entry for P. Under the master lock:
//   - the master's table has P: P was promoted already: map the global frame;
//   - else: a replica: a new frame of n's pool with the image's bytes, entered into n's
//     table only, local and read-only (ReadExecute).
// Asking the master first is what keeps a promoted page from being replicated again.
//
// promote_code_page: a write fault on P (n's table has a read-only replica or nothing).
// Under the master lock:
//   1. the master's table has P: promoted already (by another node, a moment ago): use
//      it; or global from the start, read-only (placement=master): make it writable;
//   2. else the page becomes global: its frame is n's replica (or a new copy, if n has
//      none), entered into the master's table read-write;
//   3. every other node m whose table holds a replica of P: under m's node lock take
//      the entry out of m's table (m's pagers now go to the master for P), then
//      unmap_from_node(m, replica): every pager of m unmaps it from m's space; then the
//      replica goes back to its pool. Without the unmap, threads on m would go on
//      reading their old copy and never see the write;
//   4. enter the global entry into n's table and answer the fault, read-write.
// The master lock is held throughout, so no node can replicate P again meanwhile; node
// locks are taken one at a time and dropped before waiting for the other pagers, which
// may need their own node's lock to finish a fault they are serving.
//
// Tests: l4.numa.code_promotion (a replica per node; after one write, one frame
// everywhere, showing the written value).
#include "api/rights.h"
#include "l4/lab.h"
#include "memory.h"
#include "pager.h"

namespace apppager {

const char* map_code_page(const Fault& fault) {
    Task& task = fault.task;
    MasterLock master(task);
    Word global = master_lookup(task, fault.page);
    NodeLock own(task, fault.node);
    Word* entry = node_entry(task, fault.node, fault.page);
    if (entry == nullptr) return "out of memory (the node's pool)";
    if (*entry == 0) {
        if (global != 0) {
            *entry = global;
        } else {
            Word replica = new_frame(fault, fault.node);
            if (replica == 0) return "out of memory (the node's pool)";
            *entry = make_entry(replica, fill_from_image(task, fault.page, replica), true);
        }
    }
    answer(fault, *entry);
    return nullptr;
}

const char* promote_code_page(const Fault& fault) {
    // LAB 5: your code here
    // Under the master lock, with global = master_entry(task, page):
    //   1. *global != 0 and read-only (placement=master): make it Full, same frame;
    //   2. *global == 0: the page becomes global. Its frame: n's replica, if n's table
    //      has a local entry (look under n's node lock), else a new frame of n's pool
    //      filled from the image. *global = make_entry(frame, Full, false). Then for
    //      every other node m (0 .. system().nodes): under m's node lock, if m's entry is
    //      local (a replica), remember its frame and clear the entry; after dropping
    //      m's lock: unmap_from_node(m, replica), then free_frame(task, replica);
    //   3. under n's node lock: n's entry = *global; answer(fault, entry).
    // Return nullptr, or why the task must die (out of memory).
    l4::lab_missing(5, "userland/apppager/promotion.cc", "apppager::promote_code_page");
}

}  // namespace apppager
