// invariant_report.cc: see invariant_report.h.
#include "lib/invariant_report.h"

#include <stdarg.h>

#include "lib/console.h"
#include "lib/format.h"

namespace kcheck {

void InvariantReport::violation(const char* format, ...) {
    if (++m_count > kMaxLines || !m_print) return;
    char text[160];
    va_list args;
    va_start(args, format);
    kstd::vformat_to(text, sizeof text, format, args);
    va_end(args);
    kprintf("KCHECK %s violation %s\n", m_nonce, text);
}

}  // namespace kcheck
