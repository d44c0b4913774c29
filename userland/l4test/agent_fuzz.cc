// agent_fuzz.cc: a fuzzing command run by an agent, batch after batch (agent_fuzz.h).
#include "agent_fuzz.h"

#include "run.h"
#include "test_space.h"
#include "threads.h"

namespace l4test {

namespace {

constexpr Word kBatch = 500;

}  // namespace

bool fuzz_settings_or_fail(TestContext& t, Word default_calls, l4::FuzzSettings* fuzz) {
    const char* bad = "";
    if (!l4::fuzz_settings(command_line(), default_calls, fuzz, &bad)) {
        t.fail("%s= on the kernel command line is not a number", bad);
        return false;
    }
    if (fuzz->calls == 0) {
        t.fail("fuzz_calls=0 on the kernel command line: nothing to fuzz");
        return false;
    }
    return true;
}

bool run_agent_fuzz(TestContext& t, const AgentFuzz& job, AgentFuzzResult* result) {
    *result = {};
    {
        TestSpace warm_up;
        if (!warm_up.create(agent_main, main_thread().raw())) {
            t.fail("create space: %s", warm_up.error());
            return false;
        }
    }
    result->before = kernel_counts();
    {
        TestSpace agent;
        if (!agent.create(agent_main, main_thread().raw())) {
            t.fail("create space: %s", agent.error());
            return false;
        }
        for (Word done = 0; done < job.total; done += kBatch) {
            Word batch = job.total - done < kBatch ? job.total - done : kBatch;
            Word words[3] = {job.target, batch, job.seed + done};
            unsigned first = job.has_target ? 0 : 1;
            AgentAnswer answer = agent_call(agent.id(), job.command, words + first, 3 - first, job.timeout_ms);
            if (!answer.ok()) {
                t.fail("the %s stopped answering after %u of %u %s (seed 0x%x), ErrorCode %x", job.name, done,
                       job.total, job.units, job.seed, answer.error);
                return false;
            }
            for (unsigned i = 0; i < 8; ++i) result->totals[i] += answer.words[i];
            t.note("%s: %u of %u %s", job.name, done + batch, job.total, job.units);
        }
        AgentAnswer ping = agent_call(agent.id(), agent::kPing, {41});
        if (!ping.ok() || ping.words[0] != 42) {
            t.fail("the %s's thread does not answer a ping after fuzzing", job.name);
            return false;
        }
    }
    result->after = kernel_counts();
    return true;
}

}  // namespace l4test
