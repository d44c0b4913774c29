// lab.h: printing from user-level lab code, and how its unwritten parts stop the run.
//
// The user-level labs (the root pager and the application pagers: labs 4 to 7) are
// graded like the kernel's (kernel/lib/lab.h): in a student's tree each function a lab
// asks for starts out as
//
//     // LAB 4: your code here
//     l4::lab_missing(4, "userland/rootpager/pools.cc", "rootpager::take_pools");
//
// which prints one line
//
//     PANIC user: LAB 4: userland/rootpager/pools.cc: rootpager::take_pools() is not written yet (...)
//
// and ends the run at once with the kernel's panic status (0x12: QEMU exits with 37,
// with or without `exit` on the command line). The grader reports such a run as a
// "user-level panic" with that line as its reason, so the first run names the function
// to write. The reference versions live under solutions/lab<N>/ at the same paths.
//
// Lab code prints with lab_printf, never with l4::printf or kdebug, which a lab's fence
// does not allow (grader/README.md, "The fence"). Each call prints one line
//
//     lab| <the text>
//
// of at most 250 characters, with newlines and other control characters shown escaped
// (\n, \x1b) and the first letter of the words the grader reads (KTEST, BOOT, PANIC)
// escaped too, so nothing lab code prints can start a line the grader reads as a
// result, even where the console would wrap a longer line (the kernel debugger's line
// buffer holds 255 characters). The grader shows these lines next to a failure.
#pragma once

namespace l4 {

[[noreturn]] void lab_missing(unsigned lab, const char* file, const char* function);

/// printf-style output for lab code (the kernel's conversions, lib/format.h): one line
/// "lab| ..." per call.
[[gnu::format(printf, 1, 2)]] void lab_printf(const char* fmt, ...);

}  // namespace l4
