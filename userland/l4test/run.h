// run.h: facts about this test run that tests may need.
#pragma once

#include "api/word.h"

namespace l4test {

/// The run's nonce from the kernel command line ("-" if there was none); the fuzzer
/// seeds its random numbers from it.
const char* run_nonce();

/// The number of the kernel command line's `name=` option (decimal, or hex after
/// 0x): `fallback` when there is none; false when the value is no number.
[[nodiscard]] bool command_line_number(const char* name, api::Word fallback, api::Word* number);

}  // namespace l4test
