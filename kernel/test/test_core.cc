// test_core.cc: self-tests of the kernel core's objects that need the real
// machine: the TCB array's zero page and allocation, address spaces with
// their page tables, the mapping database over them, per-CPU directories,
// and that tearing a space down gives every byte back.
//
// The user-level side (IPC, faults, system calls) is tested by the test root
// task, userland/l4test (make core-tests).
#include "arch/arch.h"
#include "mm/kmem.h"
#include "lib/string.h"
#include "mm/mapping_node_cache.h"
#include "mm/mappings.h"
#include "mm/space.h"
#include "platform/machine.h"
#include "smp/online.h"
#include "test/ktest.h"
#include "thread/tcb_array.h"

namespace {

constexpr size_t kPage = 4096;
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

KTEST(core_space_mappings, "core.space_mappings") {
    uint64_t free_before = free_kernel_bytes();
    size_t nodes_before = mm::mapping_node_count();
    mm::Space* a = mm::Space::try_create(0);
    mm::Space* b = mm::Space::try_create(0);
    void* frame = kmem::alloc(kPage, 0);  // the "physical memory" a owns, for this test
    if (!t.check(a != nullptr && b != nullptr && frame != nullptr, "out of kernel memory")) return;
    uint64_t phys = kmem::virt_to_phys(frame);
    t.check(mm::add_root(a, 0x00100000, phys, kPage, mm::Rights::Full) == mm::MdbError::Ok, "add_root failed");
    t.check(a->translate(0x00100000, mm::Rights::Write) == phys, "a does not see its page");
    // Map read-only into b, at another address.
    t.check(mm::map(a, 0x00100000, b, 0x00800000, kPage, mm::Rights::Read, false) == mm::MdbError::Ok, "map failed");
    t.check(b->translate(0x00800000, mm::Rights::Read) == phys, "b does not see the mapped page");
    t.check(b->translate(0x00800000, mm::Rights::Write) == ~uint64_t(0), "b may write a read-only mapping");
    // Unmap in a takes it from b, not from a.
    mm::Rights status = mm::Rights::None;
    t.check(mm::unmap(a, 0x00100000, kPage, mm::Rights::Full, false, status) == mm::MdbError::Ok, "unmap failed");
    t.check(b->translate(0x00800000, mm::Rights::Read) == ~uint64_t(0), "b still sees the page after unmap");
    t.check(a->translate(0x00100000, mm::Rights::Read) == phys, "unmap took the page from a too");
    // Map again, then destroy b first: a keeps its page.
    t.check(mm::map(a, 0x00100000, b, 0x00800000, kPage, mm::Rights::Full, false) == mm::MdbError::Ok, "map failed");
    b->destroy();
    t.check(a->translate(0x00100000, mm::Rights::Read) == phys, "destroying b took a's page");
    a->destroy();
    kmem::free(frame, kPage);
    t.check(mm::mapping_node_count() == nodes_before, "mapping nodes %u after destroying both, expected %u",
            unsigned(mm::mapping_node_count()), unsigned(nodes_before));
    t.check(free_kernel_bytes() == free_before, "free kernel memory %llu after destroying both, expected %llu",
            (unsigned long long)free_kernel_bytes(), (unsigned long long)free_before);
}

KTEST(core_cpu_directories, "core.cpu_directories") {
    const platform::Topology& topology = platform::machine_topology();
    uint64_t free_before = free_kernel_bytes();
    unsigned home = topology.cpus[0].node;
    mm::Space* space = mm::Space::try_create(home);
    void* frame = kmem::alloc(kPage, home);
    if (!t.check(space != nullptr && frame != nullptr, "out of kernel memory")) return;
    unsigned last = smp::online_count() - 1;
    uint32_t first_dir = space->directory_for(0);
    uint32_t last_dir = space->directory_for(last);
    t.check(space->directory_for(0) == first_dir, "a CPU got a second directory");
    if (last != 0) t.check(first_dir != last_dir, "cpus 0 and %u share one directory", last);
    // Each CPU's directory lies in the memory of that CPU's node (Lab 2's point).
    unsigned last_node = topology.cpus[last].node;
    bool last_node_has_pool = kmem::serving_node(last_node) == last_node;
    if (last_node_has_pool) {
        const mm::NodePool& pool = kmem::pools().on(last_node);
        t.check(pool.contains_phys(last_dir),
                "cpu %u's directory at %x is not on its node %u", last, last_dir, last_node);
    }
    // A mapping made after the directories exist is seen through both of them.
    uint64_t phys = kmem::virt_to_phys(frame);
    t.check(mm::add_root(space, 0x40000000, phys, kPage, mm::Rights::Full) == mm::MdbError::Ok, "add_root failed");
    const uint32_t* master = static_cast<const uint32_t*>(kmem::phys_to_virt(first_dir));
    const uint32_t* other = static_cast<const uint32_t*>(kmem::phys_to_virt(last_dir));
    t.check(master != nullptr && other != nullptr && master[0x40000000 >> 22] != 0 &&
                master[0x40000000 >> 22] == other[0x40000000 >> 22],
            "the new page table is not entered in every CPU's directory");
    space->destroy();
    kmem::free(frame, kPage);
    t.check(free_kernel_bytes() == free_before, "free kernel memory %llu after destroy, expected %llu",
            (unsigned long long)free_kernel_bytes(), (unsigned long long)free_before);
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
