// eval_phases.h: the numaprof phase numbers of the benchmark programs, in one place.
//
// The evaluation lab (`make eval`, scripts/eval/, labs/eval/README.md) boots each program
// under numaprof (tools/numaprof/, docs/profiling.md) and reads the counts of its measured
// interval from the plugin's `NUMAPROF phase=N ...` lines. Each program marks that
// interval with numaprof_begin/numaprof_end (kernel/api/numaprof_marker.h): an 8-byte
// no-op, one instruction without the plugin. Phases 1 and 2 belong to the kernel's
// numaprof.known_pattern self-test (kernel/test/test_numaprof.cc).
//
//   phase    program      interval
//   10..15   pingpong     the timed batches of case i (kCases order, main.cc), warm-up not
//   20       arraywalk    from starting both walkers until both have finished (the total)
//   30       unmapbench   each measured os::unmap call (the warm-up round not)
//
// scripts/eval/numaprof_lines.py keeps the same numbers for the scripts.
#pragma once

#include "api/numaprof_marker.h"

namespace os::eval {

inline constexpr unsigned kPingpongFirstPhase = 10;
inline constexpr unsigned kPingpongCases = 6;
inline constexpr unsigned kArraywalkPhase = 20;
inline constexpr unsigned kUnmapbenchPhase = 30;

/// Marks the beginning (End false) or end (true) of phase First + index, for an index
/// known only at run time: a marker's phase must be a constant, so each index has its own.
template <unsigned First, unsigned Count, bool End>
inline void mark_indexed(unsigned index) {
    if constexpr (Count > 0) {
        if (index == 0) {
            if constexpr (End)
                numaprof_end(First);
            else
                numaprof_begin(First);
        } else {
            mark_indexed<First + 1, Count - 1, End>(index - 1);
        }
    }
}

}  // namespace os::eval
