// lab.cc: see lab.h.
#include "lib/lab.h"

#include <stdarg.h>

#include "lib/console.h"
#include "lib/format.h"
#include "lib/panic.h"

void lab_missing(unsigned lab, const char* file, const char* function) {
    panic("LAB %u: %s: %s() is not written yet (find 'LAB %u: your code here' in that file)", lab, file, function, lab);
}

void lab_printf(const char* fmt, ...) {
    char text[201];
    char escaped[sizeof text * 4];
    va_list args;
    va_start(args, fmt);
    kstd::vformat_to(text, sizeof text, fmt, args);
    va_end(args);
    kstd::escape_to(escaped, sizeof escaped, text);
    kprintf("lab| %s\n", escaped);
}
