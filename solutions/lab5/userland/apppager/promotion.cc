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
    Task& task = fault.task;
    MasterLock master(task);
    Word* global = master_entry(task, fault.page);
    if (global == nullptr) return "out of memory (the master node's pool)";
    if (*global != 0 && rights_of(*global) != api::Rights::Full) {
        // Global from the start (placement=master: no replicas): one frame already.
        *global = make_entry(frame_of(*global), api::Rights::Full, false);
    } else if (*global == 0) {
        Word frame = 0;
        {
            NodeLock own(task, fault.node);
            Word entry = node_lookup(task, fault.node, fault.page);
            if (is_local(entry)) frame = frame_of(entry);
        }
        if (frame == 0) {
            frame = new_frame(fault, fault.node);
            if (frame == 0) return "out of memory (the node's pool)";
            (void)fill_from_image(task, fault.page, frame);
        }
        *global = make_entry(frame, api::Rights::Full, false);
        for (unsigned node = 0; node < system().nodes; ++node) {
            if (node == fault.node) continue;
            Word replica = 0;
            {
                NodeLock other(task, node);
                Word entry = node_lookup(task, node, fault.page);
                if (is_local(entry)) {
                    replica = frame_of(entry);
                    *node_entry(task, node, fault.page) = 0;
                }
            }
            if (replica == 0) continue;
            unmap_from_node(node, replica);
            free_frame(task, replica);
        }
    }
    NodeLock own(task, fault.node);
    Word* entry = node_entry(task, fault.node, fault.page);
    if (entry == nullptr) return "out of memory (the node's pool)";
    *entry = *global;
    answer(fault, *entry);
    return nullptr;
}

}  // namespace apppager
