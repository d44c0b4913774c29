// leak_tests.cc: the leak check itself under test (kernel_counts.h).
//
// Several tests (ThreadControl, SpaceControl's moves, the IO ports, the fast path)
// and the fuzzer end by comparing the kernel's counts of spaces, threads, mapping
// nodes, page tables and free kernel memory with the counts from before they made
// anything. This test plants a leak, a space with a running thread and the pages it
// faulted in, kept across the second count, and requires the comparison to fail and
// every count to show it; then it deletes the space and requires the counts back.
// A check that stopped seeing leaks (a statistic stuck, a comparison that always
// passes) fails here.
#include "agent.h"
#include "kernel_counts.h"
#include "l4/string.h"
#include "test_case.h"
#include "test_space.h"
#include "threads.h"

namespace l4test {

void test_leak_planted(TestContext& t) {
    {
        // As the fuzzer does: the root task's own tables for test spaces exist first.
        TestSpace warm_up;
        CHECK(t, warm_up.create(agent_main, main_thread().raw()), "create space: %s", warm_up.error());
    }
    KernelCounts before = kernel_counts();
    TestSpace planted;
    CHECK(t, planted.create(agent_main, main_thread().raw()), "create space: %s", planted.error());
    AgentAnswer ping = agent_call(planted.id(), agent::kPing, {6});
    CHECK(t, ping.ok() && ping.words[0] == 7, "the planted space's thread does not answer");
    KernelCounts during = kernel_counts();

    TestContext check;
    CHECK(t, !counts_back(check, before, during),
          "the leak check passed with a space, its thread and their mappings left behind");
    CHECK(t, strncmp(check.message(), "spaces:", 7) == 0, "the leak check named the wrong count first: %s",
          check.message());
    CHECK(t, during.spaces == before.spaces + 1 && during.threads == before.threads + 1,
          "a space and a thread left: spaces %u -> %u, threads %u -> %u", before.spaces, during.spaces,
          before.threads, during.threads);
    CHECK(t, during.mapping_nodes > before.mapping_nodes && during.free_bytes < before.free_bytes,
          "its mappings left: mapping nodes %u -> %u, free kernel bytes %u -> %u", before.mapping_nodes,
          during.mapping_nodes, before.free_bytes, during.free_bytes);

    planted.destroy();
    (void)counts_back(t, before, kernel_counts());
}

}  // namespace l4test
