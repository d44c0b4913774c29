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
    // LAB 3: your code here
    // kmem::serving_node(node) names the pool; kmem::pools().on(n).contains_phys(frame).
    lab_missing(3, "kernel/thread/tcb_migrate.cc", "thread::frame_on_memory_of");
}

void shoot_down_tcb(Tcb* tcb) {
    // LAB 3: your code here
    // smp::call_on_all runs a function on every CPU (this one too);
    // forget_tcb_translation (thread/tcb_array.h) is the function.
    lab_missing(3, "kernel/thread/tcb_migrate.cc", "thread::shoot_down_tcb");
}

bool try_move_tcb(Tcb* tcb, unsigned node) {
    // LAB 3: your code here
    // Same node: nothing moves (tcb_frame gives the frame behind the slot).
    // (1) a page on `node` (kmem::alloc; check where it landed),
    // (2) copy the page through the slot and fix the copy's m_page,
    // (3) point the slot at the new frame (arch::set_kernel_page, writable),
    // (4) shoot_down_tcb, (5) release_tcb_page(the old page). Return true.
    lab_missing(3, "kernel/thread/tcb_migrate.cc", "thread::try_move_tcb");
}

}  // namespace thread
