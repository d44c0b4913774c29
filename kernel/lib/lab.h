// lab.h: how a lab's unwritten parts stop the kernel.
//
// In a student's tree, each function a lab asks for starts out as
//
//     // LAB 1: your code here
//     lab_missing(1, "kernel/mm/node_pool.cc", "NodePool::try_alloc");
//
// which stops the kernel with a message that names the lab, the file and the
// function, so the first run shows where to start. The reference versions
// live under solutions/lab<N>/ at the same paths.
//
// Lab code prints with lab_printf, never with the kernel's kprintf (which a
// lab's fence does not allow: grader/README.md). Each call prints one line,
//
//     lab| <the text>
//
// with newlines and other control characters in the text shown escaped (\n,
// \x1b): nothing lab code prints can stand at the start of a line as a
// result line, so the grader shows these lines in its report and never
// scores them. Use it freely while debugging.
#pragma once

[[noreturn]] void lab_missing(unsigned lab, const char* file, const char* function);

/// printf-style output for lab code (lib/format.h has the conversions): one
/// line "lab| ..." per call, at most 200 characters of text.
[[gnu::format(printf, 1, 2)]] void lab_printf(const char* fmt, ...);
