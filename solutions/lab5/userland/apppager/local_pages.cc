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
    Word end = start + bytes;
    if (bytes == 0 || end < start || start % numa::kPageSize != 0 || bytes % numa::kPageSize != 0) return false;
    bool heap = start >= task.image_end && end <= os::kHeapEnd;
    bool stack = start >= os::kStackArea && end <= os::kStackAreaEnd;
    if (!heap && !stack) return false;
    unsigned count = task.local_count;
    if (count == kMaxLocalRanges) return false;
    for (unsigned i = 0; i < count; ++i)
        if (start < task.local[i].end && task.local[i].start < end) return false;
    {
        MasterLock master(task);
        for (Word page = start; page < end; page += numa::kPageSize)
            if (master_lookup(task, page) != 0) return false;
        task.local[count] = LocalRange{start, end};
        __atomic_store_n(&task.local_count, count + 1, __ATOMIC_RELEASE);
    }
    return true;
}

const char* map_local_page(const Fault& fault) {
    Task& task = fault.task;
    NodeLock own(task, fault.node);
    Word* entry = node_entry(task, fault.node, fault.page);
    if (entry == nullptr) return "out of memory (the node's pool)";
    if (*entry == 0) {
        Word frame = new_frame(fault, fault.node);
        if (frame == 0) return "out of memory (the node's pool)";
        *entry = make_entry(frame, api::Rights::Full, true);
    }
    answer(fault, *entry);
    return nullptr;
}

}  // namespace apppager
