// pagers.h: the application pagers, one per CPU, each made by the root pager's worker on
// that CPU, and paged by it (thesis 4.2.1).
//
//   root pager (root task)                       pager c (its own space, home node =
//   +---------------------------------+          node of CPU c)
//   | master: pools, image copies     |          +-------------------------------+
//   | worker c (on CPU c):            | creates  | image: node copy (read-only), |
//   |   create_pager(c)  ------------------->    |        own pages (writable)   |
//   |   serve_pager_fault  <-------------------  | pools: every node's, shared   |
//   |   system calls for the pagers   |  faults  | modules: read-only            |
//   +---------------------------------+          +-------------------------------+
//
// A worker is its pager's pager: it answers the pager's page faults, each from the pool
// of the pager's node (pagers on a memoryless node: the nearest pool), so every page a
// pager runs on lies on its own node.
#pragma once

#include "api/map_item.h"
#include "api/word.h"
#include "numa/system.h"

namespace rootpager {

/// Worker side: creates pager `cpu`'s space and thread on this CPU (which must be
/// `cpu`), with this thread as its pager, and starts it at the image's entry. Fills
/// record.pager; false (with a message) if a system call failed.
[[nodiscard]] bool create_pager(numa::PagerRecord& record);

/// Worker side: the answer to pager `record`'s page fault at `address`. False (with a
/// message) if the pager touched what it must not: it gets no answer.
[[nodiscard]] bool serve_pager_fault(const numa::System& system, numa::PagerRecord& record, api::Word address,
                                     bool write, api::MapItem* answer);

}  // namespace rootpager
