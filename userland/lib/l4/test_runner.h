// test_runner.h: running a root task's own tests and reporting them to the grader.
//
// The kernel command line's `test=` names tests (comma-separated; `<prefix>all` for
// every one of a table) and `nonce=` the run's nonce. run_tests() runs the table's
// tests that test= names, in table order, and prints the lines the grader reads
// (grader/README.md):
//
//   KTEST <nonce> <name> START
//   KTEST <nonce> <name> PASS | FAIL <message>
//   KTEST <nonce> summary passed=N failed=M
//
// and ends the run through isa-debug-exit (run_end.h). A name with the table's prefix
// that the table lacks is reported as failed. A test returns false after fail() said
// why. The base OS (l4.os.*) and the NUMA OS's root pager (numa.*, Lab 4) use it.
#pragma once

#include <stddef.h>

namespace l4::tests {

struct Test {
    const char* name;
    bool (*run)();
};

/// Whether `cmdline`'s test= names a test starting with `prefix` ("l4.os.").
[[nodiscard]] bool requested(const char* cmdline, const char* prefix);

/// Records why the running test failed (printf format); returns false.
bool fail(const char* format, ...) __attribute__((format(printf, 1, 2)));

/// Runs the selected tests of `tests` (all of them for `<prefix>all`); `after` (may be
/// null) runs after each test that passed and may fail it (for example: every task it
/// started has ended). Ends the run: `who` names the root task in the last line.
[[noreturn]] void run_tests(const char* cmdline, const char* prefix, const Test* tests, size_t count,
                            bool (*after)(), const char* who);

}  // namespace l4::tests
