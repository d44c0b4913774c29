// fuzz_tests.cc: random system calls from an unprivileged space must not break the
// kernel (the rules the fuzzer follows are in fuzzer.h).
//
// The main thread drives an agent through batches of calls and prints a line after
// each, so the grader sees progress (agent_fuzz.h). How many calls and from which seed: the
// kernel command line's fuzz_calls= (default kCalls) and fuzz_seed= (default: from
// the run's nonce, so every boot fuzzes differently); the seed is printed, and the
// same fuzz_calls= and fuzz_seed= make the same calls again (make fuzz SEED=...).
// Afterwards the system must still work: the fuzzing thread still answers, IPC
// between root-task threads works, a new space can be created and deleted, and
// once the fuzzer's space is gone the kernel has exactly the counts it had before it
// was made (kernel_counts.h: spaces, threads, mapping nodes, page tables, free memory,
// the per-node pools): nothing leaked.
#include "agent_fuzz.h"
#include "l4/ipc.h"
#include "l4/message.h"
#include "test_case.h"
#include "test_space.h"
#include "threads.h"

namespace l4test {

namespace {

constexpr Word kCalls = 5000;  // make test's short run; make fuzz: 100,000 per preset

void echo(Word) {
    l4::MsgTag tag = l4::receive(main_thread());
    if (!l4::ipc_failed(tag)) {
        l4::load_words(0x7777, {l4::mr(1) * 3});
        (void)l4::send(main_thread());
    }
}

}  // namespace

void test_fuzz_syscalls(TestContext& t) {
    l4::FuzzSettings fuzz;
    if (!fuzz_settings_or_fail(t, kCalls, &fuzz)) return;
    t.note("fuzzer: %u random system calls, seed %x (replay: fuzz_calls=%u fuzz_seed=0x%x)", fuzz.calls, fuzz.seed,
           fuzz.calls, fuzz.seed);
    AgentFuzzResult run;
    if (!run_agent_fuzz(t, {"fuzzer", "calls made", agent::kFuzz, 0, false, fuzz.calls, fuzz.seed, 60000}, &run))
        return;
    const KernelCounts &before = run.before, &after = run.after;
    t.note("fuzzer: threads %u->%u, mapping nodes %u->%u, free bytes %u->%u, page tables %u->%u", before.threads,
           after.threads, before.mapping_nodes, after.mapping_nodes, before.free_bytes, after.free_bytes,
           before.page_tables, after.page_tables);
    CHECK(t, counts_back(t, before, after), "the fuzzer's space is gone, but not all it made");
    LocalThread peer;
    CHECK(t, peer.start(echo, 0), "after fuzzing, start: %s", peer.error());
    l4::load_words(0x7770, {14});
    l4::MsgTag tag = l4::call(peer.id(), l4::milliseconds(2000), l4::milliseconds(2000));
    CHECK(t, !l4::ipc_failed(tag) && l4::mr(1) == 42, "after fuzzing, IPC between root threads fails, ErrorCode %x",
          l4::error_code());
    TestSpace fresh;
    CHECK(t, fresh.create(agent_main, main_thread().raw()), "after fuzzing, create space: %s", fresh.error());
    AgentAnswer ping = agent_call(fresh.id(), agent::kPing, {1});
    CHECK(t, ping.ok() && ping.words[0] == 2, "after fuzzing, a new space's thread does not answer");
    fresh.destroy();
}

}  // namespace l4test
