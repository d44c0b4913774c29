// tcb_migrate.cc: Lab 3: a thread's TCB page follows the thread to its new
// node (the picture and the protocol are in thread/tcb_migrate.h).
//
// What it does: try_move_tcb() gives a thread that moved to another node a
// TCB page on that node: a new page there, a copy of the old one, the TCB
// array's slot pointed at the copy, every CPU's TLB entry for the slot shot
// down (and every acknowledgement awaited), then the old page given back.
// Invariants: the slot's virtual address never changes; at every moment each
// CPU reads through the slot either the old page or the new one, and the two
// hold the same bytes until try_move_tcb() returns; the old page goes back to
// its pool only when no CPU can reach it any more.
// Lock: none. The caller is the thread's own CPU, the thread is not running
// and it is quiet (tcb_quiet): no other CPU writes into its page meanwhile.
// Tests: lab3.* in kernel/test/lab3_*.cc.
// Thesis: 3.3.2, 4.1.4.
#include "thread/tcb_migrate.h"

#include "arch/mmu.h"
#include "lib/lab.h"
#include "lib/string.h"
#include "mm/kmem.h"
#include "smp/cross_call.h"
#include "thread/tcb_array.h"

namespace thread {

bool frame_on_memory_of(uint64_t frame, unsigned node) {
    unsigned memory = kmem::serving_node(node);
    return memory != kmem::kNoNode && kmem::pools().on(memory).contains_phys(frame);
}

void shoot_down_tcb(Tcb* tcb) { smp::call_on_all(forget_tcb_translation, tcb, smp::Wait::Yes); }

bool try_move_tcb(Tcb* tcb, unsigned node) {
    // Same node (or served by the same memory): nothing to gain.
    uint64_t old_frame = tcb_frame(tcb);
    if (frame_on_memory_of(old_frame, node)) return false;

    // (1) A page on the new node (kmem falls back to the nearest with room).
    void* page = kmem::alloc(kTcbSize, node);
    if (page == nullptr) return false;
    uint64_t new_frame = kmem::virt_to_phys(page);
    if (!frame_on_memory_of(new_frame, node)) {
        kmem::free(page, kTcbSize);  // that node's memory is full: stay where we are
        return false;
    }

    // (2) Copy the whole page through the slot, which still names the old
    // page: the Tcb object and the kernel stack with its saved frames.
    memcpy(page, tcb, kTcbSize);
    void* old_page = tcb->m_page;
    static_cast<Tcb*>(page)->m_page = page;

    // (3) The slot names the new page; this CPU's TLB already forgot the old one.
    arch::set_kernel_page(uintptr_t(tcb), new_frame, true);

    // (4) Every other CPU forgets it too, and we wait for all of them.
    shoot_down_tcb(tcb);

    // (5) Nobody can reach the old page now.
    release_tcb_page(old_page);
    return true;
}

}  // namespace thread
