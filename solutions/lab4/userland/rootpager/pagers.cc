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
    constexpr uint64_t kStartTimeoutMs = 1000;
    ThreadId id = new_root_thread_id();
    ThreadId me = l4::my_global_id();
    Fpage kip_area = Fpage::memory(os::kKipArea, l4::kip().kip_area_info.log2_size(), Rights::None);
    Fpage utcb_area = Fpage::memory(os::kUtcbArea, os::kUtcbAreaLog2, Rights::None);
    const char* step = nullptr;
    if (id.is_nil())
        step = "a thread number";
    else if (l4::thread_control(id, id, root_main_thread(), ThreadId::nil(), l4::kNoChange) != 1)
        step = "ThreadControl (new space)";
    else if (l4::space_control(id, 0, kip_area, utcb_area, ThreadId::any()) != 1)
        step = "SpaceControl";
    else if (l4::thread_control(id, id, root_main_thread(), me, os::kUtcbArea) != 1)
        step = "ThreadControl (activate)";
    if (step != nullptr) {
        l4::lab_printf("rootpager: cannot create the pager of CPU %u: %s failed, ErrorCode %u", record.cpu, step,
                       l4::error_code());
        return false;
    }
    record.pager = id;
    record.root_worker = me;
    l4::load_words(0, {pager_entry(), 0});
    if (l4::ipc_failed(l4::send(id, l4::milliseconds(kStartTimeoutMs)))) {
        l4::lab_printf("rootpager: the start message to the pager of CPU %u did not go through", record.cpu);
        return false;
    }
    return true;
}

bool serve_pager_fault(const numa::System& system, numa::PagerRecord& record, Word address, bool write,
                       MapItem* answer) {
    Word page = address & ~(kPageSize - 1);
    bool writable = false;
    Word frame = image_frame(record.pool_node, page, &writable);
    if (frame != 0) {
        if (writable) {
            Word own = numa::Pool::of_node(record.pool_node).allocate();
            if (own == 0) {
                l4::lab_printf("rootpager: node %u's pool has no page left for pager %u", record.pool_node, record.cpu);
                return false;
            }
            memcpy(reinterpret_cast<void*>(own), reinterpret_cast<const void*>(frame), kPageSize);
            *answer = MapItem::map(Fpage::memory(own, 12, Rights::Full), page);
        } else {
            if (write) {
                l4::lab_printf("rootpager: pager %u wrote to its code at %x", record.cpu, address);
                return false;
            }
            *answer = MapItem::map(Fpage::memory(frame, 12, Rights::ReadExecute), page);
        }
        return true;
    }
    if (numa::in_pool_area(address)) {
        unsigned node = numa::pool_slot_of(address);
        const numa::PoolChunk* c = system.has_pool[node] ? numa::Pool::of_node(node).chunk_at(address) : nullptr;
        if (c != nullptr) {
            Word base = numa::pool_base(node) + c->offset;
            *answer = MapItem::map(Fpage::memory(base, unsigned(c->log2_size), Rights::Full), base);
            return true;
        }
    }
    if (numa::in_module_window(address) && is_module_page(address) && !write) {
        *answer = MapItem::map(Fpage::memory(page, 12, Rights::ReadExecute), page);
        return true;
    }
    l4::lab_printf("rootpager: pager %u touched %x (%s), which is none of its regions", record.cpu, address,
                   write ? "write" : "read");
    return false;
}

}  // namespace rootpager
