// test_runner.cc: see test_runner.h.
#include "l4/test_runner.h"

#include <stdarg.h>

#include "l4/options.h"
#include "l4/print.h"
#include "l4/run_end.h"
#include "l4/string.h"

namespace l4::tests {

namespace {

char g_message[160];
char g_tests[1024];

/// Calls visit(word, length) for each comma-separated word of g_tests.
template <typename Visit>
void for_each_name(Visit visit) {
    for (const char* p = g_tests; *p != '\0';) {
        const char* end = p;
        while (*end != '\0' && *end != ',') ++end;
        if (end != p) visit(p, static_cast<size_t>(end - p));
        p = *end == ',' ? end + 1 : end;
    }
}

bool is_word(const char* word, size_t length, const char* text) {
    return length == strlen(text) && strncmp(word, text, length) == 0;
}

bool is_all(const char* word, size_t length, const char* prefix) {
    size_t n = strlen(prefix);
    return length == n + 3 && strncmp(word, prefix, n) == 0 && strncmp(word + n, "all", 3) == 0;
}

}  // namespace

bool requested(const char* cmdline, const char* prefix) {
    if (!find_option(cmdline, "test", g_tests, sizeof g_tests)) return false;
    bool any = false;
    size_t n = strlen(prefix);
    for_each_name([&](const char* word, size_t length) { any |= length > n && strncmp(word, prefix, n) == 0; });
    return any;
}

bool fail(const char* format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(g_message, sizeof g_message, format, args);
    va_end(args);
    return false;
}

void run_tests(const char* cmdline, const char* prefix, const Test* tests, size_t count, bool (*after)(),
               const char* who) {
    char nonce[64] = "-";
    (void)find_option(cmdline, "nonce", nonce, sizeof nonce);
    (void)find_option(cmdline, "test", g_tests, sizeof g_tests);
    unsigned passed = 0, failed = 0;
    size_t prefix_length = strlen(prefix);
    for_each_name([&](const char* word, size_t length) {
        if (length <= prefix_length || strncmp(word, prefix, prefix_length) != 0 || is_all(word, length, prefix))
            return;
        for (size_t i = 0; i < count; ++i)
            if (is_word(word, length, tests[i].name)) return;
        char name[64];
        size_t n = length < sizeof name ? length : sizeof name - 1;
        memcpy(name, word, n);
        name[n] = '\0';
        printf("KTEST %s %s FAIL no such test in %s\n", nonce, name, who);
        ++failed;
    });
    for (size_t i = 0; i < count; ++i) {
        bool chosen = false;
        for_each_name([&](const char* word, size_t length) {
            chosen |= is_word(word, length, tests[i].name) || is_all(word, length, prefix);
        });
        if (!chosen) continue;
        printf("KTEST %s %s START\n", nonce, tests[i].name);
        g_message[0] = '\0';
        bool ok = tests[i].run();
        if (ok && after != nullptr) ok = after();
        if (ok) {
            printf("KTEST %s %s PASS\n", nonce, tests[i].name);
            ++passed;
        } else {
            printf("KTEST %s %s FAIL %s\n", nonce, tests[i].name, g_message);
            ++failed;
        }
    }
    printf("KTEST %s summary passed=%u failed=%u\n", nonce, passed, failed);
    end_run(who, failed == 0 ? kRunPassed : kRunFailed);
}

}  // namespace l4::tests
