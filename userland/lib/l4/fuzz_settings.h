// fuzz_settings.h: how many random requests a fuzzer sends and from which seed, as the
// kernel command line says (fuzz_calls=N fuzz_seed=S, which `make fuzz` sets): the
// same keys for every fuzzer (l4test's, and the OS protocol's in the base OS's and the
// NUMA OS's tests). Without fuzz_seed= the seed comes from the run's nonce, so every
// run draws new requests, and a failing one prints the seed that repeats it.
#pragma once

#include "api/word.h"
#include "l4/options.h"
#include "l4/prng.h"

namespace l4 {

struct FuzzSettings {
    api::Word calls;
    api::Word seed;
};

/// The settings on `command_line`, `default_calls` if it names none; false if a value
/// given is not a number (`bad` then points to its key).
[[nodiscard]] inline bool fuzz_settings(const char* command_line, api::Word default_calls, FuzzSettings* settings,
                                        const char** bad) {
    char text[40] = "";
    settings->calls = default_calls;
    if (find_option(command_line, "fuzz_calls", text, sizeof text) && !parse_number(text, &settings->calls)) {
        *bad = "fuzz_calls";
        return false;
    }
    if (find_option(command_line, "fuzz_seed", text, sizeof text)) {
        *bad = "fuzz_seed";
        return parse_number(text, &settings->seed);
    }
    settings->seed = find_option(command_line, "nonce", text, sizeof text) ? seed_from(text) : 1;
    return true;
}

}  // namespace l4
