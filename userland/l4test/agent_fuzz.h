// agent_fuzz.h: how l4.fuzz.syscalls (fuzz_tests.cc) and l4.fuzz.sigma0
// (sigma0_fuzz_tests.cc) drive their fuzzer: an agent (agent.h) in a space of its own
// runs one fuzzing command batch after batch, and the kernel is counted before that
// space is made and after it is gone (kernel_counts.h), so the test can tell a leak.
#pragma once

#include "agent.h"
#include "kernel_counts.h"
#include "l4/fuzz_settings.h"
#include "test_case.h"

namespace l4test {

/// One fuzzing run by an agent.
struct AgentFuzz {
    const char* name;   ///< "fuzzer", "sigma0 fuzzer": how the notes and failures start
    const char* units;  ///< what a batch counts, done: "calls made", "messages sent"
    uint16_t command;   ///< the agent's command (agent::kFuzz, agent::kFuzzSigma0)
    Word target;        ///< its first word, when `has_target` (the thread to fuzz)
    bool has_target;
    Word total;         ///< units in all
    Word seed;          ///< batch i starts from seed + its first unit
    Word timeout_ms;    ///< for one batch
};

/// What the run saw: the counts and the sum of each answer word over the batches.
struct AgentFuzzResult {
    KernelCounts before, after;
    Word totals[8];
};

/// How many units from which seed, as the kernel command line's fuzz_calls= and
/// fuzz_seed= say (`default_calls` without fuzz_calls=). False, with `t` failed, if a
/// value is not a number or fuzz_calls=0 leaves nothing to fuzz.
[[nodiscard]] bool fuzz_settings_or_fail(TestContext& t, Word default_calls, l4::FuzzSettings* fuzz);

/// Runs `job`: a warm-up space first (so that the root task's own tables for test
/// spaces exist before counting), the counts, then the agent's space with the
/// command's batches (at most 500 units each, each followed by the note "<name>: N of
/// M <units>", which the grader sees as progress and fuzz.py reads) and a ping, and the
/// counts once the space is gone. False, with `t` failed, if a space cannot be made,
/// a batch gets no answer or the ping none after the batches.
[[nodiscard]] bool run_agent_fuzz(TestContext& t, const AgentFuzz& job, AgentFuzzResult* result);

}  // namespace l4test
