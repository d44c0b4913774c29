// ktest.cc: selecting and running self-tests (see ktest.h).
#include "test/ktest.h"

#include <stdarg.h>
#include <stddef.h>

#include "lib/console.h"
#include "lib/format.h"
#include "lib/string.h"

extern "C" const ktest::Test _ktests_start[], _ktests_end[];

namespace ktest {
namespace {

const Test* find(const char* name, size_t len) {
    for (const Test* t = _ktests_start; t != _ktests_end; ++t)
        if (strlen(t->name) == len && strncmp(t->name, name, len) == 0) return t;
    return nullptr;
}

void run_one(const Test& test, const char* nonce, Summary& summary) {
    kprintf("KTEST %s %s START\n", nonce, test.name);
    Context context(nonce, test.name);
    test.run(context);
    if (context.failed()) {
        kprintf("KTEST %s %s FAIL %s\n", nonce, test.name, context.message());
        ++summary.failed;
    } else {
        kprintf("KTEST %s %s PASS\n", nonce, test.name);
        ++summary.passed;
    }
}

}  // namespace

bool Context::check(bool ok, const char* fmt, ...) {
    if (ok || m_failed) return ok;
    m_failed = true;
    va_list args;
    va_start(args, fmt);
    kstd::vformat_to(m_message, sizeof m_message, fmt, args);
    va_end(args);
    return false;
}

void Context::evidence(const char* fmt, ...) {
    char text[200];
    va_list args;
    va_start(args, fmt);
    kstd::vformat_to(text, sizeof text, fmt, args);
    va_end(args);
    kprintf("KTEST %s %s EVIDENCE %s\n", m_nonce, m_name, text);
}

namespace {

bool is_user_test(const char* name, size_t length) { return length >= 3 && strncmp(name, "l4.", 3) == 0; }

}  // namespace

Summary run_selected(const char* selection, const char* nonce) {
    Summary summary;
    if (selection[0] == '\0') return summary;
    if (nonce[0] == '\0') nonce = "-";
    if (strcmp(selection, "list") == 0) {
        for (const Test* t = _ktests_start; t != _ktests_end; ++t) kprintf("KTEST %s available %s\n", nonce, t->name);
        return summary;
    }
    // Names starting with "l4." are user-level tests, run by the test root
    // task (docs/user-boot.md). A selection of only those is theirs alone;
    // mixed with kernel tests, they fail here.
    bool any_kernel_test = false;
    bool any_user_test = false;
    for (const char* p = selection; *p != '\0';) {
        const char* end = p;
        while (*end != '\0' && *end != ',') ++end;
        if (is_user_test(p, size_t(end - p))) any_user_test = true;
        else if (end != p) any_kernel_test = true;
        p = *end == ',' ? end + 1 : end;
    }
    if (any_user_test && !any_kernel_test) {
        summary.user_tests = true;
        return summary;
    }
    if (strcmp(selection, "all") == 0) {
        for (const Test* t = _ktests_start; t != _ktests_end; ++t)
            if (!t->explicit_only) run_one(*t, nonce, summary);
    } else {
        // In the order given; a name with no test is reported as a failure.
        for (const char* p = selection; *p != '\0';) {
            const char* end = p;
            while (*end != '\0' && *end != ',') ++end;
            const Test* t = find(p, size_t(end - p));
            if (t != nullptr) {
                run_one(*t, nonce, summary);
            } else if (is_user_test(p, size_t(end - p))) {
                kprintf("KTEST %s %.*s FAIL user-level tests (l4.*) cannot be mixed with kernel tests\n", nonce,
                        int(end - p), p);
                ++summary.failed;
            } else if (end != p) {
                kprintf("KTEST %s %.*s FAIL no such test (test=list prints them)\n", nonce, int(end - p), p);
                ++summary.failed;
            }
            p = *end == ',' ? end + 1 : end;
        }
    }
    kprintf("KTEST %s summary passed=%u failed=%u\n", nonce, summary.passed, summary.failed);
    return summary;
}

}  // namespace ktest
