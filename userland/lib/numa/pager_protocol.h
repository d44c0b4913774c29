// pager_protocol.h: messages between the application pagers of the NUMA OS (thesis 4.2.1:
// "an IPC-based protocol" for what must reach every node's pager at once). Each pager
// has an unmap worker, a thread of its own that serves these (apppager/unmap.cc).
//
//   label   procedure                  result
//   0x0D20  unmap_frame(fpage)         1: unmapped from every space this pager mapped
//                                      it into (Lab 5: promotion takes replicas away)
//   0x0D21  unmap(fpage 1 .. fpage k)  the k fpages, each with its access status:
//           1 <= k <= kMaxUnmapFpages  the global unmap's request (Lab 6)
//   0x0D22  check_worker(frame)        served by a pager's own thread, for the root
//                                      pager's tests only: a bit per malformed unmap
//                                      request its unmap worker refused as Malformed
//
// unmap_frame: the worker unmaps `fpage` (a page of a pool) in its own pager's space,
// without flushing it there: L4's Unmap takes it out of every task space this pager
// mapped it into, and only there.
//
// unmap (thesis 3.2.3, 4.2.1 "Synchronization ... unmap", 5.4.2): each fpage is a frame
// of a pool (4 KiB, in the pool area) with the rights to take away: Full (the page
// goes) or Write (it becomes read-only). The originator has already changed the node
// tables (the tables of a node are shared by its pagers, apppager/task.h), so that no
// pager maps the old frame or right again; the worker unmaps all k fpages in its
// pager's space with one Unmap system call, and answers with them, each carrying the
// status bits the kernel returned (referenced, written) for the mappings it took away
// or reduced. The words are L4 fpages, not map items: the kernel passes them on as
// plain words (thesis 4.2.1). The message registers hold 63 words after the tag: a
// longer unmap is several requests.
//
// Only application pagers may call either: anybody else gets Refused, and nothing
// happens; a malformed request (no fpages, an fpage that is not one pool page with
// Full or Write) gets Malformed, and nothing happens either. A pager that takes pages
// away waits for every worker's answer before it goes on. The worker is a thread of its
// own, so a pager waiting for another's unmap can still have its own asked (no deadlock
// between two pagers that unmap at once, thesis 4.2.1).
#pragma once

#include "api/word.h"
#include "l4/rpc.h"

namespace numa::pager_proto {
using api::Word;
using UnmapFrame = l4::rpc::Proc<0x0D20, Word(Word fpage)>;
inline constexpr uint16_t kUnmapLabel = 0x0D21;
inline constexpr unsigned kMaxUnmapFpages = l4::rpc::kMaxWords;  // 63

// check_worker(frame): the pager asks its own unmap worker, as a pager, to unmap
// requests that are malformed (below), each but the first naming `frame` (a frame of a
// pool that a task maps, which must stay mapped) beside the bad fpage; bit i of the
// answer: request i got Malformed. Anybody but the root pager's threads gets Refused.
using CheckWorker = l4::rpc::Proc<0x0D22, Word(Word frame)>;
enum MalformedUnmap : unsigned {
    kNoFpage,          ///< no fpage at all
    kOutsidePools,     ///< a page outside the pool area
    kPoolHeader,       ///< a pool's header page, not one of its frames
    kReadRights,       ///< rights Read: only Full or Write may be taken
    kTwoPages,         ///< 8 KiB, not one page
    kMalformedCount,
};
}  // namespace numa::pager_proto
