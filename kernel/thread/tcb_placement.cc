// tcb_placement.cc: where a TCB page lies, for the checker (tcb_placement.h).
#include "thread/tcb_placement.h"

#include "mm/kmem.h"
#include "thread/tcb_array.h"

namespace thread {

bool tcb_on_memory_of(const Tcb* tcb, unsigned node) {
    unsigned memory = kmem::serving_node(node);
    return memory != kmem::kNoNode && kmem::pools().on(memory).contains_phys(tcb_frame(tcb));
}

void record_tcb_placement(Tcb* tcb, unsigned node) {
    if (tcb_on_memory_of(tcb, node)) {
        tcb->m_tcb_off_node = false;
        return;
    }
    unsigned memory = kmem::serving_node(node);
    void* page = memory == kmem::kNoNode ? nullptr : kmem::pools().on(memory).try_alloc(kTcbSize);
    if (page != nullptr) kmem::pools().on(memory).free(page, kTcbSize);
    tcb->m_tcb_off_node = page == nullptr;  // excused: no page was there to move to
}

}  // namespace thread
