// round_barrier.h: the barrier of the self-tests that run rounds on every
// online CPU at once (lab2.all_cpus_at_once, lab3.all_cpus_at_once).
//
// Each phase of a round has a counter that only grows: round r of a phase is
// passed when (r + 1) * online CPUs have arrived. Waiting CPUs answer cross
// calls, so a CPU that shoots down TLB entries inside a phase is never stuck
// waiting for one that waits here.
#pragma once

#include "smp/cross_call.h"
#include "smp/online.h"

namespace ktest {

inline void round_barrier(unsigned& arrived, unsigned round) {
    __atomic_add_fetch(&arrived, 1, __ATOMIC_ACQ_REL);
    unsigned target = (round + 1) * smp::online_count();
    smp::serve_calls_until([&arrived, target] { return __atomic_load_n(&arrived, __ATOMIC_ACQUIRE) >= target; });
}

}  // namespace ktest
