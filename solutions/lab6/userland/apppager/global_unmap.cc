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
    uint64_t pagers = 0;
    for (unsigned node = 0; node < system().nodes; ++node) {
        if (!node_has_table(task, node)) continue;
        NodeLock lock(task, node);
        for (unsigned i = 0; i < count; ++i) {
            Word* entry = node_slot(task, node, pages[i]);
            if (entry == nullptr || *entry == 0 || frame_of(*entry) != fpages[i].base()) continue;
            bool gone = fpages[i].rights() == api::Rights::Full;
            *entry = gone ? 0 : make_entry(frame_of(*entry), api::Rights::ReadExecute, is_local(*entry));
        }
        pagers |= task.node[node].mapped_by;
    }
    for (unsigned i = 0; i < count; ++i) status[i] = api::Rights::None;
    for (unsigned cpu = 0; cpu < system().cpus; ++cpu) {
        if ((pagers >> cpu & 1) == 0) continue;
        for (unsigned first = 0; first < count; first += kMaxUnmapFpages) {
            unsigned n = count - first < kMaxUnmapFpages ? count - first : kMaxUnmapFpages;
            api::Fpage batch[kMaxUnmapFpages];
            for (unsigned i = 0; i < n; ++i) batch[i] = fpages[first + i];
            if (cpu == g_self.cpu) {
                unmap_here(batch, n);
            } else if (!ask_worker(cpu, batch, n)) {
                l4::lab_printf("apppager %u: the unmap worker of CPU %u did not unmap %u page(s)", g_self.cpu, cpu, n);
                continue;
            }
            for (unsigned i = 0; i < n; ++i) status[first + i] = status[first + i] | batch[i].rights();
        }
    }
}

void global_unmap(Task& task, Word start, unsigned count, os::UnmapHow how, os::UnmapStatus& status) {
    bool gone = how == os::UnmapHow::Unmap;
    Word pages[os::kMaxUnmapPages];
    api::Fpage fpages[os::kMaxUnmapPages];
    api::Rights found[os::kMaxUnmapPages];
    unsigned page_of[os::kMaxUnmapPages];
    unsigned n = 0;
    MasterLock master(task);
    for (unsigned i = 0; i < count; ++i) {
        Word page = start + i * numa::kPageSize;
        Word* entry = master_slot(task, page);
        if (entry == nullptr || *entry == 0) continue;
        Word frame = frame_of(*entry);
        pages[n] = page;
        fpages[n] = api::Fpage::memory(frame, 12, gone ? api::Rights::Full : api::Rights::Write);
        page_of[n++] = i;
        os::set_page_bit(status.held, i);
        *entry = gone ? 0 : make_entry(frame, api::Rights::ReadExecute, false);
    }
    unmap_everywhere(task, pages, fpages, n, found);
    for (unsigned j = 0; j < n; ++j) {
        if (api::any(found[j] & api::Rights::Read)) os::set_page_bit(status.referenced, page_of[j]);
        if (api::any(found[j] & api::Rights::Write)) os::set_page_bit(status.dirty, page_of[j]);
        if (gone) free_frame(task, fpages[j].base());
    }
}

}  // namespace apppager
