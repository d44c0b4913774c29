// run.h: facts about this test run that tests may need.
#pragma once

namespace l4test {

/// The run's nonce from the kernel command line ("-" if there was none); the fuzzer
/// seeds its random numbers from it.
const char* run_nonce();

}  // namespace l4test
