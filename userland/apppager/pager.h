// pager.h: who this application pager is (thesis 4.2.1): its CPU, its node, the pool it
// allocates from, and the System record the root pager shares with every pager.
//
// Each pager is a program of its own, in its own address space on its CPU's node
// (home node), running its node's copy of this code; everything it shares with the
// other pagers lies in the node pools, which every pager sees at the same addresses
// (numa/layout.h). What is here is the pager's own (its .data), set once at start.
#pragma once

#include "api/thread_id.h"
#include "l4/mcs_lock.h"
#include "numa/pool.h"
#include "numa/system.h"

namespace apppager {

using api::ThreadId;
using api::Word;

struct Self {
    unsigned cpu;
    unsigned node;       ///< this CPU's node: the home node of this pager's space
    unsigned pool_node;  ///< where this pager's memory comes from (first touch)
    numa::System* system;
    ThreadId unmap_worker;    ///< this pager's second thread (unmap.h)
    l4::McsNode* lock_nodes;  ///< [0] the pager's, [1] its unmap worker's: in its own pool
};

/// Set by main() before the pager serves anybody.
extern Self g_self;

[[nodiscard]] inline numa::System& system() { return *g_self.system; }
/// The pool of node `node`'s pagers (the nearest with memory, for a memoryless node).
[[nodiscard]] inline numa::Pool& pool_for(unsigned node) {
    return numa::Pool::of_node(g_self.system->pool_node[node]);
}
/// The application pager of `cpu`, and the root pager's worker (system-call server) there.
[[nodiscard]] inline ThreadId pager_of(unsigned cpu) { return g_self.system->pagers[cpu].pager; }
[[nodiscard]] inline ThreadId root_worker_of(unsigned cpu) { return g_self.system->pagers[cpu].root_worker; }
[[nodiscard]] inline unsigned node_of_cpu(unsigned cpu) { return g_self.system->pagers[cpu].node; }

/// Serves page faults and the OS protocol for ever (service.cc).
[[noreturn]] void serve();

}  // namespace apppager
