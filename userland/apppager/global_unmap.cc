// global_unmap.cc: the global unmap: a pager takes pages of a task away from every node
// the task runs on, or makes them read-only there, and learns whether any node read or
// wrote them (thesis 3.2.3, 4.2.1 "Synchronization ... unmap", 5.4.2). Lab 6.
//
// A global page P of task T has one frame F (the master's table says which), mapped
// into the space of every node whose threads touched P, each time by a pager of that
// node from its own mapping of F's pool. L4's Unmap in one pager's space reaches only
// what that pager mapped: so every pager that mapped F must unmap it, each in its own
// space. This pager (the originator, serving os::unmap) does:
//
// global_unmap(task, start, count, how, status):
//   1. take T's master lock, and hold it to the end: no pager can map F (or give it
//      write access) from the master's table meanwhile;
//   2. for each page P with an entry in the master's table (master_slot): an fpage of
//      its frame with the rights to take (Full for Unmap, Write for ReadOnly); its
//      `held` bit; the master's entry goes (Unmap) or becomes read-only (make_entry
//      with ReadExecute) (ReadOnly);
//   3. unmap_everywhere(task, pages, fpages, n, found);
//   4. for each: `referenced` if found has Read, `dirty` if it has Write; for Unmap the
//      frame goes back to its pool (free_frame): no space maps it any more.
//
// unmap_everywhere(task, pages, fpages, count, status):
//   1. for every node m that has a table of T (node_has_table), under m's node lock:
//      each page's entry there (node_slot) that still holds its frame goes (Full taken)
//      or becomes read-only (Write taken, keeping is_local); and collect m's mapped_by,
//      the pagers that ever mapped a page into m's space. After this no pager of m maps
//      the old frame or right again (they find the entry changed and go to the master,
//      whose lock we hold); every mapping made before is one of those pagers';
//   2. for every collected pager, in batches of at most kMaxUnmapFpages fpages (the
//      message registers: MR0 is the tag): this pager's own CPU, unmap_here(batch)
//      directly; any other, ask_worker(cpu, batch, n) (unmap.cc): an unmap request to
//      that pager's unmap worker, which answers with the batch and its status bits.
//      Wait for each answer before going on;
//   3. status[i]: fpage i's status ORed over all of them (a page written on node 1 and
//      read on node 0 is dirty and referenced).
// The request goes to the worker, not to the pager's own thread: that thread may be
// waiting for this master lock itself (a fault, or its own global unmap), and would
// never answer: two pagers unmapping at once would wait for each other for ever.
//
// Tests: l4.numa.unmap_everywhere (no node maps the old frame; the next touch gets a
// new page), l4.numa.unmap_status (bits per page, 100 pages), l4.numa.unmap_read_only,
// l4.numa.unmap_concurrent (two pagers unmapping overlapping ranges at once).
#include "api/fpage.h"
#include "l4/lab.h"
#include "l4/rpc.h"
#include "memory.h"
#include "numa/pager_protocol.h"
#include "pager.h"

namespace apppager {

using numa::pager_proto::kMaxUnmapFpages;

void unmap_everywhere(Task& task, const Word* pages, const api::Fpage* fpages, unsigned count, api::Rights* status) {
    // LAB 6: your code here
    // 1. uint64_t pagers = 0. For each node (0 .. system().nodes) with node_has_table:
    //    under NodeLock(task, node), for each i: Word* entry = node_slot(task, node,
    //    pages[i]); if it holds fpages[i]'s frame (frame_of(*entry) == fpages[i].base()):
    //    0 when fpages[i].rights() is Full, else make_entry(frame, ReadExecute,
    //    is_local(*entry)). Then pagers |= task.node[node].mapped_by.
    // 2. status[i] = None for all. For each cpu whose bit is in `pagers`, in batches of
    //    at most kMaxUnmapFpages (copy them: the batch comes back with status bits):
    //    cpu == g_self.cpu: unmap_here(batch, n); else ask_worker(cpu, batch, n) (on
    //    false, say so with l4::lab_printf and go on). OR each batch[k].rights() into
    //    status[first + k].
    (void)task, (void)pages, (void)fpages, (void)count, (void)status;
    l4::lab_missing(6, "userland/apppager/global_unmap.cc", "apppager::unmap_everywhere");
}

void global_unmap(Task& task, Word start, unsigned count, os::UnmapHow how, os::UnmapStatus& status) {
    // LAB 6: your code here
    // gone = (how == Unmap). Under MasterLock master(task), held to the end:
    //   for each page i (start + i * 4096) whose master_slot has an entry: remember the
    //   page and an fpage of its frame (api::Fpage::memory(frame, 12, gone ? Full :
    //   Write)), os::set_page_bit(status.held, i); the master's entry becomes 0 (gone)
    //   or make_entry(frame, ReadExecute, false);
    //   unmap_everywhere(task, pages, fpages, n, found);
    //   for each: Read in found -> status.referenced, Write -> status.dirty; if gone,
    //   free_frame(task, frame).
    (void)task, (void)start, (void)count, (void)how, (void)status;
    l4::lab_missing(6, "userland/apppager/global_unmap.cc", "apppager::global_unmap");
}

}  // namespace apppager
