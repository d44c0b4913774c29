// probe_runs.h: what the root pager's tests of the NUMA OS's memory (sync_tests.cc,
// Lab 5; unmap_tests.cc, Lab 6; migrate_tests.cc, Lab 7) share: running numaprobe (userland/apps/numaprobe) with
// a thread on every CPU, and at its reports (numa/probe_protocol.h) reading from the
// kernel the frame behind every page in every thread's space (kdebug
// physical_in_space) and each space's node (space_home_node), never the pagers'
// records. probe_runs.cc draws one run.
#pragma once

#include "api/thread_id.h"
#include "api/word.h"
#include "numa/layout.h"
#include "numa/probe_protocol.h"

namespace rootpager {

using api::ThreadId;
using api::Word;
using numa::ProbeReport;

inline constexpr Word kPageSize = numa::kPageSize;
inline constexpr Word kNone = ~Word{0};

/// What a test checks at a report: false (after fail() said why) stops the probe.
using Inspector = bool (*)(const ProbeReport& report);

/// Runs `numaprobe <args>` from the pager of `cpu` and checks its `phases` reports with
/// `inspect`. True if every report came and passed and the probe exited with code 0;
/// else last_outcome() says why in a few words, and fail() in full.
/// Unless `threads_move`, every report must find thread i in a space on CPU i's node.
[[nodiscard]] bool run_probe(unsigned cpu, const char* args, Word phases, Inspector inspect,
                             bool threads_move = false);
/// How many threads a probe run has: one per CPU, at most numa::kProbeMaxThreads.
[[nodiscard]] unsigned probe_threads();
/// How the last run_probe went wrong, in a few words; null if it passed.
[[nodiscard]] const char* last_outcome();
[[nodiscard]] unsigned last_cpu();
[[nodiscard]] unsigned live_tasks();

// ---- what the kernel says about the probe's spaces ----

[[nodiscard]] unsigned number_of(const ProbeReport& r, unsigned i);
/// The node of thread i's space.
[[nodiscard]] unsigned space_node(const ProbeReport& r, unsigned i);
[[nodiscard]] Word page_address(const ProbeReport& r, Word page);
/// The frame behind page `page` of the report in thread i's space, kNone if none.
[[nodiscard]] Word frame_of(const ProbeReport& r, unsigned i, Word page);
/// Thread i's space maps page `page` with a frame on the pool of the space's node.
[[nodiscard]] bool on_own_pool(const ProbeReport& r, unsigned i, Word page, Word* frame);
/// Every thread's space maps every page of the report with one and the same frame, from
/// the pool of one of the nodes whose threads faulted on it.
[[nodiscard]] bool one_frame_everywhere(const ProbeReport& r);
/// Every page of the report: one frame per node, on that node's pool; spaces of one
/// node share it, spaces of different nodes have different frames.
[[nodiscard]] bool one_frame_per_node(const ProbeReport& r);
/// The probe's own value checks all passed.
[[nodiscard]] bool no_probe_failures(const ProbeReport& r);

}  // namespace rootpager
