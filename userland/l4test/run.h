// run.h: facts about this test run that tests may need.
#pragma once

namespace l4test {

/// The kernel command line (the fuzzers read fuzz_calls=, fuzz_seed= and nonce= from it:
/// l4/fuzz_settings.h).
const char* command_line();

}  // namespace l4test
