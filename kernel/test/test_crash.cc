// test_crash.cc: tests that end the kernel on purpose, to prove that a crash is
// reported the way students and the grader rely on: a "PANIC cpu=N:" line, the
// register dump, and a backtrace with function names. They run only when named
// (test=crash.page_fault), and the boot tests check their output and the
// panic exit status.
#include <stdint.h>

#include "lib/panic.h"
#include "test/ktest.h"

namespace {

// noinline keeps these frames in the backtrace the boot test looks for.
[[gnu::noinline]] void crash_by_page_fault() {
    volatile uint32_t* nowhere = reinterpret_cast<volatile uint32_t*>(0x00000ff0);  // unmapped after boot
    *nowhere = 0xdead;
    asm volatile("" ::: "memory");
}

[[gnu::noinline]] void crash_by_panic() { panic("deliberate panic from the crash.panic self-test"); }

}  // namespace

KTEST_EXPLICIT(crash_page_fault, "crash.page_fault") {
    crash_by_page_fault();
    t.check(false, "the write to an unmapped page did not fault");
}

KTEST_EXPLICIT(crash_panic, "crash.panic") {
    crash_by_panic();
    t.check(false, "panic() returned");
}
