// priv_tests.cc: the privileged system calls refuse threads of ordinary spaces.
//
// ThreadControl, SpaceControl, ProcessorControl and MemoryControl are for the initial
// spaces only; from an agent's space (test_space.h) each must return 0 with ErrorCode
// 1, "no privilege".
#include "agent.h"
#include "api/error.h"
#include "test_case.h"
#include "test_space.h"
#include "threads.h"

namespace l4test {

void test_priv_refused(TestContext& t) {
    TestSpace space;
    CHECK(t, space.create(agent_main, main_thread().raw()), "create space: %s", space.error());
    AgentAnswer answer = agent_call(space.id(), agent::kPrivileged, nullptr, 0);
    CHECK(t, answer.ok(), "the agent did not answer, ErrorCode %x", answer.error);
    const char* names[] = {"ThreadControl", "SpaceControl", "ProcessorControl", "MemoryControl"};
    for (unsigned i = 0; i < 4; ++i) {
        Word result = answer.words[2 * i], error = answer.words[2 * i + 1];
        CHECK(t, result == 0, "%s from an unprivileged space returned %u", names[i], result);
        CHECK(t, error == static_cast<Word>(api::Error::NoPrivilege), "%s: ErrorCode %u, expected 1 (no privilege)",
              names[i], error);
    }
}

}  // namespace l4test
