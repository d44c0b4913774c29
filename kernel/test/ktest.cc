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
    Context context;
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

Summary run_selected(const char* selection, const char* nonce) {
    Summary summary;
    if (selection[0] == '\0') return summary;
    if (nonce[0] == '\0') nonce = "-";
    if (strcmp(selection, "list") == 0) {
        for (const Test* t = _ktests_start; t != _ktests_end; ++t) kprintf("KTEST %s available %s\n", nonce, t->name);
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
