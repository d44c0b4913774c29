// lab2_support.h: helpers shared by the Lab 2 self-tests (kernel/test/lab2_*.cc).
//
// The tests read where things lie from the page tables and the pools, not from
// what the lab code says: mm/page_walk.h walks a directory as the MMU would.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "mm/kmem.h"
#include "mm/page_walk.h"
#include "platform/machine.h"
#include "smp/cross_call.h"
#include "smp/online.h"

namespace lab2 {

inline constexpr size_t kPage = 4096;

/// Free bytes of all pools together.
inline uint64_t free_kernel_bytes() {
    uint64_t free = 0;
    for (unsigned node = 0; node < platform::machine_topology().num_nodes; ++node)
        free += kmem::pools().on(node).free_bytes();
    return free;
}

/// The node whose pool should hold what is allocated "on `node`": the node
/// itself, or its nearest node with memory.
inline unsigned memory_node(unsigned node) { return kmem::serving_node(node); }

/// The node of a CPU, and the node whose memory it should use.
inline unsigned cpu_node(unsigned cpu) { return platform::machine_topology().cpus[cpu].node; }
inline unsigned cpu_memory_node(unsigned cpu) { return memory_node(cpu_node(cpu)); }

/// Whether physical `phys` lies in `node`'s pool.
inline bool in_pool(unsigned node, uint64_t phys) {
    return node < platform::machine_topology().num_nodes && kmem::pools().on(node).contains_phys(phys);
}

/// The pool node of physical `phys`, or -1 when it lies in no pool.
inline int pool_of(uint64_t phys) {
    for (unsigned n = 0; n < platform::machine_topology().num_nodes; ++n)
        if (kmem::pools().on(n).contains_phys(phys)) return int(n);
    return -1;
}

/// The CPUs that are online, in order (cpu numbers may have gaps: never here,
/// but the tests do not assume it).
inline unsigned online_cpus(unsigned* out) {
    unsigned count = 0;
    for (unsigned cpu = 0; cpu < platform::machine_topology().num_cpus; ++cpu)
        if (smp::cpu_online(cpu)) out[count++] = cpu;
    return count;
}

}  // namespace lab2
