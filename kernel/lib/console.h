// console.h: the kernel's text output, on the first serial port (COM1).
//
// kprintf takes the console lock so that lines from different CPUs never
// interleave within a line. Formats: see lib/format.h.
#pragma once

#include <stdarg.h>

namespace console {

/// Programs the UART; call once on the boot CPU before the first kprintf.
void init();

/// A character typed on the serial console, or -1 when none is waiting.
int try_read_char();

/// For panic only: take the console even if a stopped CPU held its lock.
void break_lock();

}  // namespace console

[[gnu::format(printf, 1, 2)]] void kprintf(const char* fmt, ...);
void kvprintf(const char* fmt, va_list args);
