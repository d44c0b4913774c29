// lab2_hidden.cc: a hidden Lab 2 self-test (instructor kit only).
//
// Many spaces, of every home node, each run on every CPU, then destroyed in
// an order unlike their creation: every directory lies on its CPU's node (the
// nearest with memory), no two directories share a page, and the kernel's
// free memory comes back exactly.
#include "arch/arch.h"
#include "mm/space.h"
#include "test/ktest.h"
#include "test/lab2_support.h"

using namespace lab2;

namespace {

constexpr unsigned kSpaces = 24;

struct Ask {
    mm::Space* space;
    uint32_t directory;
};

void ask(void* arg) {
    Ask* a = static_cast<Ask*>(arg);
    a->directory = a->space->directory_for(arch::cpu_index());
}

}  // namespace

KTEST(lab2_hidden_many_spaces, "lab2.hidden.many_spaces") {
    const platform::Topology& topology = platform::machine_topology();
    unsigned cpus[platform::kMaxCpus];
    unsigned n = online_cpus(cpus);
    uint64_t before = free_kernel_bytes();
    mm::Space* spaces[kSpaces] = {};
    uint32_t directories[kSpaces][platform::kMaxCpus] = {};
    for (unsigned s = 0; s < kSpaces; ++s) {
        spaces[s] = mm::Space::try_create(s % topology.num_nodes);
        if (!t.check(spaces[s] != nullptr, "out of kernel memory at space %u", s)) break;
        for (unsigned i = 0; i < n; ++i) {
            Ask a{spaces[s], 0};
            smp::call_on(cpus[(i + s) % n], ask, &a, smp::Wait::Yes);
            unsigned cpu = cpus[(i + s) % n];
            directories[s][cpu] = a.directory;
            t.check(in_pool(cpu_memory_node(cpu), a.directory), "space %u: cpu %u's directory %x is in pool %d, not %u's",
                    s, cpu, a.directory, pool_of(a.directory), cpu_memory_node(cpu));
        }
    }
    for (unsigned s = 0; s < kSpaces; ++s)
        for (unsigned c = 0; c < n; ++c)
            for (unsigned s2 = s; s2 < kSpaces; ++s2)
                for (unsigned c2 = 0; c2 < n; ++c2)
                    if ((s2 != s || c2 > c) && directories[s][cpus[c]] != 0)
                        t.check(directories[s][cpus[c]] != directories[s2][cpus[c2]],
                                "spaces %u and %u share directory %x", s, s2, directories[s][cpus[c]]);
    for (unsigned k = 0; k < kSpaces; ++k) {
        unsigned s = (k * 7) % kSpaces;  // 7 and 24 are coprime: every space once
        if (spaces[s] != nullptr) spaces[s]->destroy();
    }
    t.check(free_kernel_bytes() == before, "free kernel memory %llu after destroying %u spaces, expected %llu",
            (unsigned long long)free_kernel_bytes(), kSpaces, (unsigned long long)before);
}
