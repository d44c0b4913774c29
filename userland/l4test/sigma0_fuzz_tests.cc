// sigma0_fuzz_tests.cc: random messages to sigma0 from an unprivileged space must not
// make it give memory away, stop answering, or answer out of turn (the rules the
// fuzzer follows are in sigma0_fuzzer.h).
//
// As l4.fuzz.syscalls (fuzz_tests.cc): an agent in a space of its own sends the
// messages in batches, a line after each (agent_fuzz.h); fuzz_calls= and fuzz_seed= on the
// kernel command line say how many and from which seed (make fuzz). Afterwards:
// sigma0 gave no memory, answered every message it must answer and none it must
// ignore, still answers a request from the root task (a refusal and a page), and the
// kernel's counts are back once the agent's space is gone (the ports sigma0 mapped
// it went with it).
#include "agent_fuzz.h"
#include "api/fpage.h"
#include "api/msg_tag.h"
#include "l4/ipc.h"
#include "l4/kip.h"
#include "l4/message.h"
#include "l4/sigma0_client.h"
#include "layout.h"
#include "test_case.h"

namespace l4test {

namespace {

constexpr Word kMessages = 2000;  // make test's short run; make fuzz: fuzz_calls= per preset
/// The seed a run prints (and fuzz_seed= gives) is the system-call fuzzer's too; this
/// makes the two draw different numbers in one run.
constexpr Word kSeedOffset = 0x5167;

}  // namespace

void test_fuzz_sigma0(TestContext& t) {
    l4::FuzzSettings fuzz;
    if (!fuzz_settings_or_fail(t, kMessages, &fuzz)) return;
    t.note("sigma0 fuzzer: %u random messages, seed %x (replay: fuzz_calls=%u fuzz_seed=0x%x)", fuzz.calls,
           fuzz.seed, fuzz.calls, fuzz.seed);
    AgentFuzzResult run;
    const AgentFuzz job = {"sigma0 fuzzer", "messages sent", agent::kFuzzSigma0, l4::sigma0_id().raw(), true,
                           fuzz.calls, fuzz.seed ^ kSeedOffset, 600000};
    if (!run_agent_fuzz(t, job, &run)) return;
    const Word* totals = run.totals;
    const Word sent = totals[0], refused = totals[1], ports = totals[2], memory = totals[3], unaccepted = totals[4],
               missing = totals[5], stray = totals[6], failed = totals[7];
    t.note("sigma0 fuzzer: %u received by sigma0 (%u refused, %u answered with ports, %u map items without a "
           "window), %u not sent; memory %u, missing answers %u, stray answers %u",
           sent, refused, ports, unaccepted, failed, memory, missing, stray);
    CHECK(t, memory == 0, "sigma0 answered %u of the fuzzer's messages with memory it must refuse (seed 0x%x)",
          memory, fuzz.seed);
    CHECK(t, missing == 0, "sigma0 left %u messages it must answer (requests, IO faults) unanswered (seed 0x%x)",
          missing, fuzz.seed);
    CHECK(t, stray == 0, "sigma0 answered %u messages it must ignore (seed 0x%x)", stray, fuzz.seed);
    CHECK(t, sent > fuzz.calls / 2 && refused > 0,
          "of %u messages sigma0 received only %u and refused %u: the fuzzer did not reach it", fuzz.calls, sent,
          refused);
    CHECK(t, counts_back(t, run.before, run.after), "the sigma0 fuzzer's space is gone, but not all it made");

    // Sigma0 still serves: a request at 3 GiB is refused, one for any page is granted.
    l4::sigma0::Fpage none =
        l4::sigma0::request(api::Fpage::memory(0xC0000000, 12, api::Rights::Full), sigma0_window());
    CHECK(t, none.is_nil(), "after fuzzing, sigma0 granted memory at 3 GiB (%x)", none.raw());
    l4::sigma0::Fpage page = l4::sigma0::request_any(12, sigma0_window());
    CHECK(t, !page.is_nil(), "after fuzzing, sigma0 refused the root task any page, ErrorCode %x", l4::error_code());
}

}  // namespace l4test
