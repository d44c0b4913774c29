// test_case.h: what a user-level kernel test is, and how it reports a failure.
//
// A test is a function that takes a TestContext and returns; it failed if it called
// fail() (the first message is kept). CHECK(ctx, cond, "format", ...) fails and returns
// at once, so objects the test made (threads, spaces) are cleaned up by their
// destructors on the way out.
#pragma once

namespace l4test {

class TestContext {
public:
    void fail(const char* format, ...) __attribute__((format(printf, 2, 3)));
    [[nodiscard]] bool failed() const { return m_failed; }
    [[nodiscard]] const char* message() const { return m_message; }
    /// A line of information in the log, outside the KTEST protocol.
    void note(const char* format, ...) __attribute__((format(printf, 2, 3)));

private:
    bool m_failed = false;
    char m_message[160] = {};
};

using TestFunction = void (*)(TestContext&);

struct TestCase {
    const char* name;
    TestFunction run;
};

/// Every test, in the order test=l4.all runs them (test_list.cc).
extern const TestCase kAllTests[];
extern const unsigned kTestCount;

}  // namespace l4test

#define CHECK(ctx, condition, ...)        \
    do {                                  \
        if (!(condition)) {               \
            (ctx).fail(__VA_ARGS__);      \
            return;                       \
        }                                 \
    } while (0)
