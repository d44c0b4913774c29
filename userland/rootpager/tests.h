// tests.h: the NUMA OS's tests (Labs 4 and 5), run by the root pager when test= names
// l4.numa.* tests, after every pager said it was ready. They read the effect from the
// kernel (where each page really lies: kdebug's physical_in_space; each space's home
// node), from the KIP (which memory is which node's) and from the pagers themselves
// (whereabouts()), not from the root pager's own records.
//
//   l4.numa.pools_on_their_nodes   every node with memory has a pool, and every page of it
//                               (sampled) lies in that node's memory
//   l4.numa.one_pager_per_cpu      one ready pager per CPU, each running on its CPU
//   l4.numa.pager_home_nodes       each pager's space has its CPU's node as home node
//   l4.numa.pager_code_local       every page of every pager's image lies on its pool's
//                               node; code shared by the pagers of a node, one copy
//                               per node; data each pager's own
//   l4.numa.memoryless_nearest     a memoryless node's pagers use the nearest node's pool
//   l4.numa.no_late_pager_faults   after every pager answered requests that run no task,
//                               no pager took a page fault since it was ready
//   l4.numa.sigma0_refuses_again   sigma0 refuses every pool's memory to a second request
//   l4.numa.os_programs         ostest's modes end as they must, started from every CPU,
//                               and no pager faulted since it was ready
//   l4.numa.reclaim             tasks that ended (or were killed) gave every frame back
//
// Lab 5's (sync_tests.h), each running numaprobe (userland/apps/numaprobe), a thread on
// every CPU, and reading its pages' frames from the kernel at the probe's reports:
//   l4.numa.first_touch         a global page lies on the node of the space that first
//                               touched it (the nearest node with memory)
//   l4.numa.one_frame_shared    a page all nodes fault on at once: one frame in all spaces
//   l4.numa.make_local          a make_local page: one frame per node, on that node
//   l4.numa.code_promotion      a code page: a replica per node; after a write, one frame
//                               everywhere, and every thread reads the written value
//   l4.numa.exit_frees_all      after the probe ran in every mode, every pool is back
#pragma once

#include "numa/system.h"

namespace rootpager {

[[nodiscard]] bool numa_tests_requested();
[[noreturn]] void run_numa_tests(numa::System& system);

}  // namespace rootpager
