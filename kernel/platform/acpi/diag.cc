// diag.cc: warning lines for the ACPI code (see diag.h).
#include "platform/acpi/diag.h"

#include <stdarg.h>

namespace acpi {

void warn(kstd::CharSink& diag, const char* fmt, ...) {
    for (const char* p = "acpi: warning: "; *p != '\0'; ++p) diag.put(*p);
    va_list args;
    va_start(args, fmt);
    kstd::vformat(diag, fmt, args);
    va_end(args);
    diag.put('\n');
}

void print(kstd::CharSink& out, const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    kstd::vformat(out, fmt, args);
    va_end(args);
}

}  // namespace acpi
