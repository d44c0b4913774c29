// main.cc: l4test, the test root task: the kernel core's tests, run at user level.
//
// docs/user-boot.md ("User-level test runs") is the contract. l4test
//   1. reads the kernel command line from the multiboot information (boot_info.h),
//      takes `nonce=` and `test=` from it, and keeps the `l4.` names (l4.all: all);
//   2. runs each selected test, printing
//        KTEST <nonce> <name> START
//        KTEST <nonce> <name> PASS | FAIL <message>
//      then `KTEST <nonce> summary passed=N failed=M`;
//   3. ends the run: 0x10 (all passed) or 0x11 to the isa-debug-exit port 0xF4, whose
//      IO fpage it asks sigma0 for.
// Without `l4.` names in test= (the kernel's own self-tests, or none) it prints one
// line and, with `exit` on the command line, ends the run (passed: the kernel ends
// a run whose own self-tests failed before it starts the user level); without
// `exit` it sleeps.
#include "boot_info.h"
#include "l4/ipc.h"
#include "l4/kip.h"
#include "l4/options.h"
#include "l4/print.h"
#include "l4/run_end.h"
#include "l4/sigma0_client.h"
#include "l4/string.h"
#include "l4/utcb.h"
#include "layout.h"
#include "pager.h"
#include "run.h"
#include "test_case.h"
#include "threads.h"

namespace l4test {

namespace {


char g_cmdline[2048];  // the kernel passes at most 2048 bytes
char g_tests[2048];
char g_nonce[64] = "-";

/// Is `name` one of the comma-separated words of `list`?
bool in_list(const char* list, const char* name) {
    size_t length = strlen(name);
    for (const char* p = list; *p != '\0';) {
        const char* end = p;
        while (*end != '\0' && *end != ',') ++end;
        if (static_cast<size_t>(end - p) == length && strncmp(p, name, length) == 0) return true;
        p = *end == ',' ? end + 1 : end;
    }
    return false;
}

bool known_test(const char* name, size_t length) {
    for (unsigned i = 0; i < kTestCount; ++i)
        if (strlen(kAllTests[i].name) == length && strncmp(kAllTests[i].name, name, length) == 0) return true;
    return length == 6 && strncmp(name, "l4.all", 6) == 0;
}

/// What test= asks of us: 1 run (l4. names only), 0 nothing (no l4. name, or a mix
/// the kernel refuses).
bool wants_user_tests(const char* list) {
    bool any_l4 = false, any_kernel = false;
    for (const char* p = list; *p != '\0';) {
        const char* end = p;
        while (*end != '\0' && *end != ',') ++end;
        if (end != p) (strncmp(p, "l4.", 3) == 0 ? any_l4 : any_kernel) = true;
        p = *end == ',' ? end + 1 : end;
    }
    return any_l4 && !any_kernel;
}

}  // namespace

/// The windows of layout.h must be free in the root task: not where the kernel put
/// its image, KIP or UTCB area.
bool layout_fits() {
    Word kip = l4::kip_base();
    Word utcb = reinterpret_cast<Word>(l4::utcb_pointer());
    const Word addresses[] = {kip, utcb};
    for (Word address : addresses) {
        if (address >= kTestWindow && address < kSigma0Window + (Word{1} << kSigma0WindowLog2)) {
            l4::printf("l4test: the kernel put the KIP or UTCB at %x, inside l4test's windows (layout.h)\n",
                       address);
            return false;
        }
    }
    return true;
}

void run_tests() {
    const char* nonce = g_nonce;
    remember_main_thread();
    if (!read_kernel_command_line(g_cmdline, sizeof g_cmdline)) {
        l4::printf("l4test: cannot read the kernel command line (KIP boot_info %x)\n", l4::kip().boot_info);
        l4::end_run("l4test", l4::kRunFailed);
    }
    if (!l4::find_option(g_cmdline, "test", g_tests, sizeof g_tests) || !wants_user_tests(g_tests)) {
        // With `exit` the kernel leaves the end of the run to the root task
        // (its own self-tests passed, or it would have ended the run itself).
        if (l4::has_word(g_cmdline, "exit")) {
            l4::printf("l4test: no l4.* tests selected; ending the run (exit)\n");
            l4::end_run("l4test", l4::kRunPassed);
        }
        l4::printf("l4test: no l4.* tests selected; sleeping\n");
        return;
    }
    (void)l4::find_option(g_cmdline, "nonce", g_nonce, sizeof g_nonce);
    bool all = in_list(g_tests, "l4.all");
    unsigned passed = 0, failed = 0;

    // Names that are no test fail, as the kernel fails unknown self-test names.
    for (const char* p = g_tests; *p != '\0';) {
        const char* end = p;
        while (*end != '\0' && *end != ',') ++end;
        if (!known_test(p, static_cast<size_t>(end - p))) {
            char name[64];
            size_t length = static_cast<size_t>(end - p) < sizeof name ? static_cast<size_t>(end - p) : sizeof name - 1;
            memcpy(name, p, length);
            name[length] = '\0';
            l4::printf("KTEST %s %s FAIL no such test\n", nonce, name);
            ++failed;
        }
        p = *end == ',' ? end + 1 : end;
    }

    const char* pager_error = "the KIP or UTCB lies in l4test's windows";
    bool pager_ok = layout_fits() && start_pager(&pager_error);
    for (unsigned i = 0; i < kTestCount; ++i) {
        const TestCase& test = kAllTests[i];
        if (!all && !in_list(g_tests, test.name)) continue;
        l4::printf("KTEST %s %s START\n", nonce, test.name);
        TestContext context;
        if (pager_ok)
            test.run(context);
        else
            context.fail("setup: %s", pager_error);
        if (context.failed()) {
            l4::printf("KTEST %s %s FAIL %s\n", nonce, test.name, context.message());
            ++failed;
        } else {
            l4::printf("KTEST %s %s PASS\n", nonce, test.name);
            ++passed;
        }
    }
    l4::printf("KTEST %s summary passed=%u failed=%u\n", nonce, passed, failed);
    l4::end_run("l4test", failed == 0 ? l4::kRunPassed : l4::kRunFailed);
}

const char* command_line() { return g_cmdline; }

}  // namespace l4test

int main() {
    l4test::run_tests();
    return 0;
}
