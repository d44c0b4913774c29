// code_replica.cc: a copy of the kernel's code on every node (Lab 2).
//
// What it does: at boot, copies .text and .rodata into the pool of every node
// that serves a CPU (except the node holding the image), builds for that node
// a page table that maps the code's addresses to the copy, and a kernel
// directory that uses it; then hands every directory a CPU loads the kernel
// part of its node's directory. The picture is in mm/code_replica.h.
// Invariants: g_directories[n] is null or a directory on node n's pool whose
// kernel part equals the boot directory's except for the code's 4 MiB region;
// written once at boot, before any other CPU reads it, and only read after.
// Lock: none; see the invariant.
// Tests: lab2.code_replica (kernel/test/lab2_code.cc), lab2.directory_on_cpu_node.
// Thesis: 4.1.3.
#include "mm/code_replica.h"

#include "arch/ia32/mm/page_table.h"
#include "arch/mmu.h"
#include "lib/lab.h"
#include "lib/per_node.h"
#include "lib/string.h"
#include "mm/kmem.h"
#include "mm/page_walk.h"
#include "platform/machine.h"

namespace mm {

namespace {

constexpr size_t kPage = 4096;
constexpr unsigned kKernelFirstPde = ia32::pte::kKernelFirstPde;

struct NodeKernel {
    uint32_t* directory;        // on the node's pool; null: the boot directory
    uint32_t directory_phys;
};
PerNode<NodeKernel> g_kernels;

/// Whether `block` came from `node`'s own pool (kmem falls back to another
/// node when the pool is full, which would make the copy remote).
bool on_node(const void* block, unsigned node) { return kmem::pools().on(node).contains_virt(uintptr_t(block)); }

/// Node `node`'s copy of the code, page table and kernel directory; false
/// (nothing kept) when its pool cannot hold them.
bool replicate_on(unsigned node, const arch::KernelCode& code) {
    size_t size = code.end - code.start;
    void* copy = kmem::alloc(size, node);
    uint32_t* table = static_cast<uint32_t*>(kmem::alloc(kPage, node));
    uint32_t* directory = static_cast<uint32_t*>(kmem::alloc(kPage, node));
    const uint32_t* image_table = arch::kernel_page_table(code.start);
    if (copy == nullptr || table == nullptr || directory == nullptr || !on_node(copy, node) ||
        !on_node(table, node) || !on_node(directory, node) || image_table == nullptr) {
        kmem::free(copy, size);
        kmem::free(table, kPage);
        kmem::free(directory, kPage);
        return false;
    }
    memcpy(copy, reinterpret_cast<const void*>(code.start), size);
    // The image's table, with the code's entries pointing to the copy.
    memcpy(table, image_table, kPage);
    uint64_t copy_phys = kmem::virt_to_phys(copy);
    for (uintptr_t v = code.start; v < code.end; v += kPage)
        table[ia32::pte::table_index(v)] = ia32::pte::kernel_code_entry(copy_phys + (v - code.start));
    memset(directory, 0, kPage);
    arch::copy_kernel_mappings(directory);
    directory[ia32::pte::directory_index(code.start)] = ia32::pte::kernel_table_entry(kmem::virt_to_phys(table));
    g_kernels.on(node) = {directory, uint32_t(kmem::virt_to_phys(directory))};
    return true;
}

}  // namespace

void replicate_kernel_code() {
    const platform::Topology& topology = platform::machine_topology();
    arch::KernelCode code = arch::kernel_code();
    unsigned image_node = node_of_phys(code.phys);
    bool tried[platform::kMaxNodes] = {};
    for (unsigned cpu = 0; cpu < topology.num_cpus; ++cpu) {
        unsigned node = kmem::serving_node(topology.cpus[cpu].node);
        if (node == kmem::kNoNode || node == image_node || tried[node]) continue;
        tried[node] = true;
        if (!replicate_on(node, code))
            lab_printf("kernel code: no room for a copy on node %u; its cpus run node %u's", node, image_node);
    }
}

void copy_kernel_part(uint32_t* directory, unsigned cpu) {
    unsigned node = kmem::serving_node(platform::machine_topology().cpus[cpu].node);
    const uint32_t* source = node == kmem::kNoNode ? nullptr : g_kernels.on(node).directory;
    if (source == nullptr) {
        arch::copy_kernel_mappings(directory);
        return;
    }
    memcpy(directory + kKernelFirstPde, source + kKernelFirstPde, (ia32::pte::kEntries - kKernelFirstPde) * 4);
}

uint32_t kernel_directory_for(unsigned cpu) {
    unsigned node = kmem::serving_node(platform::machine_topology().cpus[cpu].node);
    if (node == kmem::kNoNode || g_kernels.on(node).directory == nullptr) return arch::kernel_directory();
    return g_kernels.on(node).directory_phys;
}

}  // namespace mm
