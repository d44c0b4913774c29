// test_support.h: what the root pager's test files (tests.cc, sync_tests.cc) share: the
// System record under test, and questions about the machine and the tasks.
#pragma once

#include "numa/system.h"

namespace rootpager {

/// The System record run_numa_tests() was given.
[[nodiscard]] numa::System& tested_system();
/// The node nearest to `node` that has memory (`node` itself if it has some), by the
/// kernel's SLIT distances: where a pager of `node` takes its frames from.
[[nodiscard]] unsigned nearest_with_memory(unsigned node);
/// Waits until no task is alive; false (and fail() says so) after a minute.
[[nodiscard]] bool wait_for_tasks();
/// Starts `ostest <args>` at the pager of `cpu` and waits until every task has ended.
[[nodiscard]] bool run_ostest(unsigned cpu, const char* args);
/// Runs `ostest <args>` from CPU 0's pager, then from the last CPU's; false (fail() says
/// which) if either failed.
[[nodiscard]] bool run_ostest_from_both_ends(const char* args);

}  // namespace rootpager
