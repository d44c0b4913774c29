// test_support.h: what the root pager's test files (tests.cc and the Labs 5 to 7 tests)
// share: the System record under test, questions about the machine, the tasks and the
// pools.
#pragma once

#include "api/word.h"
#include "numa/layout.h"
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
/// run_ostest, and false (fail() names the arguments and the CPU) if the task failed.
[[nodiscard]] bool run_ostest_cleanly(unsigned cpu, const char* args);
/// Runs `ostest <args>` from CPU 0's pager, then from the last CPU's; false (fail() says
/// which) if either failed.
[[nodiscard]] bool run_ostest_from_both_ends(const char* args);

/// The frames in use in each node's pool (0 for a node without one).
struct PoolUse {
    api::Word frames[numa::kMaxNodes];
};
[[nodiscard]] PoolUse pool_use();
/// True if every pool holds the frames it held at `before`; else fail() names the first
/// that does not: "node N's pool holds A frames <after_what>, B before".
[[nodiscard]] bool pools_back(const PoolUse& before, const char* after_what);

}  // namespace rootpager
