// test_crash.cc: tests that end the kernel on purpose, to prove that a crash is
// reported the way students and the grader rely on: a "PANIC cpu=N:" line, the
// register dump, and a backtrace with function names. They run only when named
// (test=crash.page_fault), and the boot tests check their output and the
// panic exit status.
//
// crash.write_ktests and crash.write_text prove that kernel code cannot
// rewrite the kernel image (arch/ia32/mm/paging.cc maps its code and read-only
// data without write permission): lab code that pointed a self-test's run
// function at an empty one, or patched a function to return at once, must
// stop the kernel with a panic that says what it wrote to.
#include <stdint.h>

#include "lib/panic.h"
#include "lib/string.h"
#include "test/ktest.h"

extern "C" const ktest::Test _ktests_start[], _ktests_end[];  // kernel.ld

namespace {

using RunFunction = void (*)(ktest::Context&);

// noinline keeps these frames in the backtrace the boot test looks for.
[[gnu::noinline]] void crash_by_page_fault() {
    volatile uint32_t* nowhere = reinterpret_cast<volatile uint32_t*>(0x00000ff0);  // unmapped after boot
    *nowhere = 0xdead;
    asm volatile("" ::: "memory");
}

[[gnu::noinline]] void crash_by_panic() { panic("deliberate panic from the crash.panic self-test"); }

void do_nothing(ktest::Context&) {}

// Points the self-test `name`'s run function at do_nothing, through its entry
// in the (read-only) .ktests table.
[[gnu::noinline]] void crash_by_writing_test_table(const char* name) {
    for (const ktest::Test* test = _ktests_start; test != _ktests_end; ++test) {
        if (strcmp(test->name, name) != 0) continue;
        RunFunction volatile* run = const_cast<RunFunction volatile*>(&test->run);
        *run = do_nothing;
    }
    asm volatile("" ::: "memory");
}

// Writes a `ret` (0xc3) over its own first instruction, which has already run.
[[gnu::noinline]] void crash_by_writing_text() {
    volatile uint8_t* code = reinterpret_cast<volatile uint8_t*>(uintptr_t(&crash_by_writing_text));
    *code = 0xc3;
    asm volatile("" ::: "memory");
}

}  // namespace

KTEST_EXPLICIT(crash_page_fault, "crash.page_fault") {
    crash_by_page_fault();
    t.check(false, "the write to an unmapped page did not fault");
}

KTEST_EXPLICIT(crash_panic, "crash.panic") {
    crash_by_panic();
    t.check(false, "panic() returned");
}

// Its own entry: if the write went through, no other test is changed.
KTEST_EXPLICIT(crash_write_ktests, "crash.write_ktests") {
    crash_by_writing_test_table("crash.write_ktests");
    t.check(false, "the write to the self-test table (.ktests) did not fault");
}

KTEST_EXPLICIT(crash_write_text, "crash.write_text") {
    crash_by_writing_text();
    t.check(false, "the write to kernel code did not fault");
}
