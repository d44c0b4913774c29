// lab2_code.cc: Lab 2 self-test of kernel code replication (thesis 4.1.3).
//
// On every CPU, the directory it has loaded is walked for every page of the
// kernel's code: the frame must lie on the node that serves the CPU's node
// (the image's own frame where that node holds the image, where its pool is
// too small for a copy, or with replicate=off), and every copy must hold the
// same bytes as the image.
#include "arch/mmu.h"
#include "lib/string.h"
#include "platform/boot_options.h"
#include "test/ktest.h"
#include "test/lab2_support.h"

using namespace lab2;

namespace {

struct CpuView {
    uint32_t directory;  // what the CPU has loaded
    uint32_t checksum;   // FNV-1a of the code as this CPU reads it
};
CpuView g_views[platform::kMaxCpus];

uint32_t fnv1a(const unsigned char* bytes, size_t size) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; ++i) h = (h ^ bytes[i]) * 16777619u;
    return h;
}

void look(void*) {
    arch::KernelCode code = arch::kernel_code();
    CpuView& view = g_views[arch::cpu_index()];
    view.directory = arch::active_directory();
    view.checksum = fnv1a(reinterpret_cast<const unsigned char*>(code.start), code.end - code.start);
}

}  // namespace

KTEST(lab2_code_replica, "lab2.code_replica") {
    arch::KernelCode code = arch::kernel_code();
    size_t size = code.end - code.start;
    unsigned image_node = mm::node_of_phys(code.phys);
    bool replicate = platform::boot_options().replicate_code;
    unsigned cpus[platform::kMaxCpus];
    unsigned n = online_cpus(cpus);
    for (unsigned i = 0; i < n; ++i) smp::call_on(cpus[i], look, nullptr, smp::Wait::Yes);
    const unsigned char* mine = reinterpret_cast<const unsigned char*>(code.start);
    uint64_t first_frame[platform::kMaxNodes];
    for (uint64_t& f : first_frame) f = mm::kNoFrame;
    for (unsigned i = 0; i < n; ++i) {
        unsigned cpu = cpus[i];
        unsigned want = replicate ? cpu_memory_node(cpu) : image_node;
        // A pool too small for the copy, its table and directory (a small
        // kmem=) keeps the image's code: the lab says so with lab_printf.
        if (kmem::pools().on(want).size() < size + 2 * kPage) want = image_node;
        bool image = want == image_node;
        uint64_t frame0 = mm::walk(g_views[cpu].directory, code.start);
        t.evidence("cpu=%u node=%u code_frame=0x%llx frame_node=%d", cpu, cpu_node(cpu), (unsigned long long)frame0,
                   int(mm::node_of_phys(frame0)));
        unsigned bad = 0;
        for (uintptr_t v = code.start; v < code.end; v += kPage) {
            uint64_t frame = mm::walk(g_views[cpu].directory, v);
            bool ok = image ? frame == code.phys + (v - code.start) : in_pool(want, frame);
            if (!ok && bad++ == 0)
                t.check(false, "cpu %u (node %u): kernel code at %x runs from frame %llx (node %d), not from %s %u", cpu,
                        cpu_node(cpu), unsigned(v), (unsigned long long)frame, int(mm::node_of_phys(frame)),
                        image ? "the image on node" : "a copy on node", want);
            // A copy is contiguous in its pool: compare it page by page with the code this CPU runs.
            if (ok && !image) {
                const void* copy = kmem::phys_to_virt(frame);
                if (copy == nullptr || memcmp(copy, mine + (v - code.start), kPage) != 0) {
                    t.check(false, "cpu %u: the copy of code page %x on node %u differs from the image", cpu, unsigned(v),
                            want);
                    ++bad;
                }
            }
        }
        if (bad == 0 && first_frame[want] != mm::kNoFrame)
            t.check(first_frame[want] == frame0, "cpus of node %u run two different copies", want);
        if (bad == 0) first_frame[want] = frame0;
        t.check(g_views[cpu].checksum == fnv1a(mine, size), "cpu %u reads other bytes at the kernel's code addresses",
                cpu);
    }
    // One copy per node, no copy on the image's node (or on any with replicate=off).
    for (unsigned a = 0; a < platform::machine_topology().num_nodes; ++a)
        for (unsigned b = a + 1; b < platform::machine_topology().num_nodes; ++b)
            t.check(first_frame[a] == mm::kNoFrame || first_frame[a] != first_frame[b],
                    "nodes %u and %u run the same frames", a, b);
}
