// local_pages.cc: make_local ranges: memory each node has its own copy of (thesis 4.2.1,
// "The make_local function"). Lab 5.
//
// add_local_range (the make_local request, os/protocol.h) records [start, end) in the
// task, if it is page-aligned, in the heap or the stack area, overlaps no range already
// recorded, and no page of it was touched yet (the master's table has none of it: a page
// that was global stays global). The ranges are published with local_count last, so the
// fault path (task_memory.cc) reads them without the task's lock.
//
// map_local_page serves a fault in such a range, on node n: a frame of n's own pool,
// entered into n's table only, as a local entry, and never into the master's. Threads of
// n (on any of its CPUs) then share that frame; another node gets its own.
//
// Tests: l4.numa.make_local (one frame per node, each on its node), exit_frees_all
// (local frames are given back with the node's table).
#include "api/rights.h"
#include "l4/lab.h"
#include "memory.h"
#include "os/layout.h"

namespace apppager {

bool add_local_range(Task& task, Word start, Word bytes) {
    // LAB 5: your code here
    // Refuse (return false) unless [start, start + bytes) is non-empty, page-aligned, in
    // the heap [task.image_end, os::kHeapEnd) or the stack area [os::kStackArea,
    // os::kStackAreaEnd), overlaps none of task.local[0 .. local_count), and there is
    // room (kMaxLocalRanges). Then, under the master lock: refuse if master_lookup finds
    // any page of it (touched: global already); else write task.local[local_count] and
    // publish it: __atomic_store_n(&task.local_count, count + 1, __ATOMIC_RELEASE).
    l4::lab_missing(5, "userland/apppager/local_pages.cc", "apppager::add_local_range");
}

const char* map_local_page(const Fault& fault) {
    // LAB 5: your code here
    // Under n's node lock (n = fault.node): node_entry; if it is 0 (no other pager of n
    // made it meanwhile), a new frame of n's pool (new_frame(fault, n)) entered as a
    // local, read-write entry (make_entry(frame, Full, true)); never the master's table.
    // answer(fault, entry); return nullptr (or "out of memory ...").
    l4::lab_missing(5, "userland/apppager/local_pages.cc", "apppager::map_local_page");
}

}  // namespace apppager
