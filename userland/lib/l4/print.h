// print.h: printf over the kernel debugger's console, and snprintf.
//
// Conversions: %d %u %x %X %s %c %p %%, with an optional '0' flag and a width
// (%08x, %5d), and the 'l' / 'll' length modifiers (long long for 64-bit clocks).
// Output goes out one kdebug call per printf, so concurrent threads' lines stay whole.
#pragma once

#include <stdarg.h>
#include <stddef.h>

namespace l4 {

/// Formats into `buffer` (always NUL-terminated when size > 0); returns the length the
/// whole result would have had.
size_t vsnprintf(char* buffer, size_t size, const char* format, va_list args);
size_t snprintf(char* buffer, size_t size, const char* format, ...) __attribute__((format(printf, 3, 4)));
/// Prints at most 255 characters per call.
void printf(const char* format, ...) __attribute__((format(printf, 1, 2)));

/// `text` if it is all printable ASCII, else `instead`: for a string another program
/// sent (a module name, arguments), whose bytes would reach the console as they are.
[[nodiscard]] inline const char* printable_or(const char* text, const char* instead) {
    for (const char* c = text; *c != '\0'; ++c)
        if (*c < ' ' || *c > '~') return instead;
    return text;
}

}  // namespace l4
