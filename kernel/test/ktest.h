// ktest.h: the in-kernel self-test registry.
//
// Tests that need the real machine (CPUs, interrupts, paging) run inside the
// kernel at the end of boot. A test is a function registered with KTEST; the
// linker collects the registrations in the .ktests section, so adding a test
// is adding a file. The kernel command line picks which run (`test=a,b` or
// `test=all`, `test=list` to print the names), and each prints structured
// lines that the grader reads:
//
//   KTEST <nonce> <name> START
//   KTEST <nonce> <name> EVIDENCE <key=value ...>   (any number, from t.evidence)
//   KTEST <nonce> <name> PASS            or   KTEST <nonce> <name> FAIL <first failed check>
//   KTEST <nonce> summary passed=<n> failed=<m>
//
// <nonce> is the `nonce=` boot option, fresh for every grader run, so output
// copied from another run or printed by hand does not count.
//
// EVIDENCE lines carry values the grader checks on its own, from the machine's
// definition and the test's parameters (grader/proxima_grader/evidence.py): a
// test whose stage.toml entry names an evidence check passes only if its
// evidence agrees, whatever the test's own checks said.
//
//   KTEST(xcall_one, "xcall.one") {
//       t.check(x == 1, "x is %d", x);   // records the failure and continues
//   }
#pragma once

namespace ktest {

class Context {
public:
    Context(const char* nonce, const char* name) : m_nonce(nonce), m_name(name) {}

    /// Records a failure (the first message is reported) unless `ok`; returns `ok`.
    [[gnu::format(printf, 3, 4)]] bool check(bool ok, const char* fmt, ...);
    /// Prints one EVIDENCE line of this test (space-separated key=value words).
    [[gnu::format(printf, 2, 3)]] void evidence(const char* fmt, ...);
    bool failed() const { return m_failed; }
    const char* message() const { return m_message; }

private:
    const char* m_nonce;
    const char* m_name;
    bool m_failed = false;
    char m_message[160] = {};
};

struct Test {
    const char* name;
    void (*run)(Context&);
    bool explicit_only;  ///< not part of test=all (tests that crash the kernel on purpose)
};

struct Summary {
    unsigned passed = 0;
    unsigned failed = 0;
    bool user_tests = false;  ///< the selection named only user-level (l4.*) tests: none ran here
};

/// Runs the tests named in `selection` ("all" = every test not marked
/// explicit-only, "list", or comma-separated names;
/// an unknown name counts as a failed test). Prints the lines above.
Summary run_selected(const char* selection, const char* nonce);

}  // namespace ktest

#define KTEST_REGISTER(ident, name, explicit_only)                                          \
    static void ktest_##ident(ktest::Context& t);                                          \
    [[gnu::used, gnu::section(".ktests")]] static const ktest::Test ktest_entry_##ident = { \
        name, ktest_##ident, explicit_only};                                                \
    static void ktest_##ident(ktest::Context& t)

#define KTEST(ident, name) KTEST_REGISTER(ident, name, false)

/// A test that only runs when named on the command line, never with test=all:
/// the crash tests that prove a panic is reported (grader self-tests use them).
#define KTEST_EXPLICIT(ident, name) KTEST_REGISTER(ident, name, true)
