// tests.h: baseos as a test runner: the `l4.os.*` tests (make os-tests).
//
// When test= on the kernel command line names `l4.os.` tests (the kernel leaves `l4.`
// names to the root task, docs/user-boot.md), the OS runs them instead of its program
// modules: each test spawns the test program `ostest` (userland/apps/ostest, one of the
// modules) with a mode in its arguments and checks what the OS saw (exit codes, page
// faults, pages, the frame pool, the kernel's statistics). It prints the protocol of
// l4test (KTEST <nonce> <name> START, PASS or FAIL <message>, the summary) and ends the
// run through QEMU's isa-debug-exit port.
#pragma once

namespace baseos {

/// Does test= name any `l4.os.` test?
[[nodiscard]] bool tests_requested();
/// Runs the selected tests and ends the run: 0x10 (all passed) or 0x11 to port 0xF4.
[[noreturn]] void run_tests();

}  // namespace baseos
