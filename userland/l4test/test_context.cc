// test_context.cc: TestContext's failure message and notes (see test_case.h).
#include <stdarg.h>

#include "l4/print.h"
#include "test_case.h"

namespace l4test {

void TestContext::fail(const char* format, ...) {
    if (m_failed) return;
    m_failed = true;
    va_list args;
    va_start(args, format);
    l4::vsnprintf(m_message, sizeof m_message, format, args);
    va_end(args);
    // One line: a newline would end the KTEST line early.
    for (char* p = m_message; *p != '\0'; ++p)
        if (*p == '\n' || *p == '\r') *p = ' ';
}

void TestContext::note(const char* format, ...) {
    char line[200];
    va_list args;
    va_start(args, format);
    l4::vsnprintf(line, sizeof line, format, args);
    va_end(args);
    l4::printf("l4test: %s\n", line);
}

}  // namespace l4test
