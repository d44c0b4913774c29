// pagers.cc: creating each application pager on its own CPU, and serving its page
// faults from its own node's pool (pagers.h). Lab 4.
//
// (1) create_pager runs on the pager's CPU, so the kernel makes the pager's space there:
//     its home node (Lab 2) is that CPU's node, and so are its page tables. The three
//     X.2 steps: ThreadControl makes the thread and the space, SpaceControl gives it
//     the KIP and UTCB areas, ThreadControl with this worker as pager activates it; the
//     X.2 start message (IP = the image's entry; SP = 0, crt0 takes its own stack) sets
//     it going. Its first instruction faults, on its node's copy of the image.
// (2) serve_pager_fault answers from record.pool_node's memory:
//       image page, read-only   -> that node's copy, shared by the node's pagers
//       image page, writable    -> a new frame of that pool holding the node copy's
//                                  bytes: the pager's own data
//       pool area               -> the whole chunk (numa/pool.h) the address lies in, as
//                                  one fpage: every pool, at the same address in every
//                                  pager, read-write
//       module window           -> the module page, read-only
//     Anything else is a bug in the pager: no answer.
//
// Tests: numa.pager_home_nodes, numa.pager_code_local, numa.no_late_pager_faults.
#include "pagers.h"

#include "api/fpage.h"
#include "l4/ipc.h"
#include "l4/kip.h"
#include "l4/lab.h"
#include "l4/message.h"
#include "l4/space.h"
#include "l4/string.h"
#include "l4/thread.h"
#include "l4/utcb.h"
#include "modules.h"
#include "numa/pool.h"
#include "os/layout.h"
#include "pager_image.h"
#include "threads.h"

namespace rootpager {

using api::Fpage;
using api::MapItem;
using api::Rights;
using api::Word;
using numa::kPageSize;

bool create_pager(numa::PagerRecord& record) {
    // LAB 4: your code here
    // This runs on CPU record.cpu. The three X.2 steps, each checked (1 = done):
    //   l4::thread_control(id, id, root_main_thread(), nil, l4::kNoChange): thread and space;
    //   l4::space_control(id, 0, KIP area at os::kKipArea, UTCB area at os::kUtcbArea);
    //   l4::thread_control(id, id, root_main_thread(), this thread, os::kUtcbArea): active.
    // id from new_root_thread_id(). Set record.pager and record.root_worker (this
    // thread), then send the X.2 start message: l4::load_words(0, {pager_entry(), 0}) and
    // l4::send(id, l4::milliseconds(1000)). On any failure lab_printf why and return false.
    l4::lab_missing(4, "userland/rootpager/pagers.cc", "rootpager::create_pager");
}

bool serve_pager_fault(const numa::System& system, numa::PagerRecord& record, Word address, bool write,
                       MapItem* answer) {
    // LAB 4: your code here
    // Answer from record.pool_node's memory (pagers.h draws it):
    //   image page (image_frame): read-only: that node's copy, MapItem::map(read-execute
    //     fpage of the frame, page); writable: a new frame of that node's pool holding a
    //     copy of the node's page, read-write;
    //   pool area (numa::in_pool_area): the chunk of the pool that holds it
    //     (Pool::chunk_at; only for nodes with system.has_pool), as one fpage at the same
    //     address, read-write;
    //   module window (is_module_page), read only: the page, read-execute.
    // Anything else: lab_printf it and return false (no answer).
    l4::lab_missing(4, "userland/rootpager/pagers.cc", "rootpager::serve_pager_fault");
}

}  // namespace rootpager
