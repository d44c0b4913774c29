// test_core.cc: self-tests of the kernel core's objects that need the real
// machine: the TCB array's zero page and allocation, and the mapping-node
// cache. Address spaces, their directories and the mapping database over
// them are Lab 2's (kernel/test/lab2_spaces.cc).
//
// The user-level side (IPC, faults, system calls) is tested by the test root
// task, userland/l4test (make core-tests).
#include "arch/arch.h"
#include "mm/kmem.h"
#include "lib/string.h"
#include "mm/mapping_node_cache.h"
#include "platform/machine.h"
#include "smp/online.h"
#include "test/ktest.h"
#include "thread/tcb_array.h"

namespace {

constexpr api::Word kTestThreadNumber = thread::kMaxThreads - 1;

uint64_t free_kernel_bytes() {
    uint64_t free = 0;
    for (unsigned node = 0; node < platform::machine_topology().num_nodes; ++node)
        free += kmem::pools().on(node).free_bytes();
    return free;
}

}  // namespace

KTEST(core_tcb_array, "core.tcb_array") {
    thread::Tcb* slot = thread::tcb_slot(kTestThreadNumber);
    t.check(!slot->exists() && slot->global_id().raw() == 0, "an unused slot does not read as zeros");
    api::ThreadId id = api::ThreadId::global(kTestThreadNumber, 1);
    t.check(thread::lookup_thread(id) == nullptr, "lookup found a thread in an unused slot");
    unsigned before = thread::threads_in_use();
    thread::Tcb* tcb = thread::try_allocate_tcb(kTestThreadNumber, 0);
    if (!t.check(tcb == slot, "allocation gave %p, not the slot %p", static_cast<void*>(tcb), static_cast<void*>(slot)))
        return;
    t.check(thread::try_allocate_tcb(kTestThreadNumber, 0) == nullptr,
            "a second allocation of a fresh slot succeeded");
    tcb->m_state = thread::State::Inactive;
    tcb->m_global_id = id;
    t.check(thread::lookup_thread(id) == tcb, "lookup does not find the new thread");
    t.check(thread::lookup_thread(api::ThreadId::global(kTestThreadNumber, 2)) == nullptr,
            "lookup found the thread under another version");
    t.check(thread::try_allocate_tcb(kTestThreadNumber, 0) == nullptr, "a used slot was allocated again");
    t.check(thread::threads_in_use() == before + 1, "threads in use %u, expected %u", thread::threads_in_use(),
            before + 1);
    thread::free_tcb(tcb);
    t.check(!slot->exists() && slot->global_id().raw() == 0, "a freed slot does not read as zeros again");
    t.check(thread::threads_in_use() == before, "threads in use %u after freeing, expected %u",
            thread::threads_in_use(), before);
}

KTEST(core_mapping_node_cache, "core.mapping_node_cache") {
    mm::MappingNodeCache cache;
    uint64_t free_before = free_kernel_bytes();
    constexpr unsigned kNodes = 300;  // a few pages of slots
    void* nodes[kNodes];
    for (unsigned i = 0; i < kNodes; ++i) {
        nodes[i] = cache.node_alloc(sizeof(mm::MappingNode), 0);
        if (!t.check(nodes[i] != nullptr, "allocation %u failed", i)) return;
        memset(nodes[i], int(i), sizeof(mm::MappingNode));
        for (unsigned j = 0; j < i; j += 37)
            t.check(nodes[j] != nodes[i], "slot %p handed out twice", nodes[i]);
    }
    t.check(free_before - free_kernel_bytes() < kNodes * 1024 / 10,
            "300 nodes took %llu bytes of kernel memory: not packed", (unsigned long long)(free_before - free_kernel_bytes()));
    for (unsigned i = 0; i < kNodes; i += 2) cache.node_free(nodes[i], sizeof(mm::MappingNode));
    for (unsigned i = 1; i < kNodes; i += 2) {
        const unsigned char* bytes = static_cast<const unsigned char*>(nodes[i]);
        t.check(bytes[0] == uint8_t(i) && bytes[sizeof(mm::MappingNode) - 1] == uint8_t(i),
                "node %u was overwritten by frees of its neighbours", i);
    }
    for (unsigned i = 0; i < kNodes; i += 2) nodes[i] = cache.node_alloc(sizeof(mm::MappingNode), 0);
    for (void* node : nodes) cache.node_free(node, sizeof(mm::MappingNode));
    t.check(free_kernel_bytes() == free_before, "free kernel memory %llu after freeing every node, expected %llu",
            (unsigned long long)free_kernel_bytes(), (unsigned long long)free_before);
}
