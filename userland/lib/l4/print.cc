// print.cc: a small printf (see print.h for what it understands).
#include "l4/print.h"

#include <stdint.h>

#include "l4/kdebug.h"

namespace l4 {

namespace {

/// Appends to a bounded buffer, counting what does not fit.
class Sink {
public:
    Sink(char* buffer, size_t size) : m_buffer(buffer), m_size(size) {}
    void put(char c) {
        if (m_length + 1 < m_size) m_buffer[m_length] = c;
        ++m_length;
    }
    void pad(char c, int count) {
        for (int i = 0; i < count; ++i) put(c);
    }
    size_t finish() {
        if (m_size > 0) m_buffer[m_length < m_size ? m_length : m_size - 1] = '\0';
        return m_length;
    }

private:
    char* m_buffer;
    size_t m_size;
    size_t m_length = 0;
};

void put_number(Sink& out, uint64_t value, unsigned base, bool negative, bool upper, int width, bool zero_pad) {
    char digits[24];
    int count = 0;
    const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        digits[count++] = set[value % base];
        value /= base;
    } while (value != 0);
    int length = count + (negative ? 1 : 0);
    if (zero_pad) {
        if (negative) out.put('-');
        out.pad('0', width - length);
    } else {
        out.pad(' ', width - length);
        if (negative) out.put('-');
    }
    while (count > 0) out.put(digits[--count]);
}

}  // namespace

size_t vsnprintf(char* buffer, size_t size, const char* format, va_list args) {
    Sink out(buffer, size);
    for (const char* p = format; *p != '\0'; ++p) {
        if (*p != '%') {
            out.put(*p);
            continue;
        }
        ++p;
        bool zero_pad = false;
        int width = 0;
        int longs = 0;
        if (*p == '0') {
            zero_pad = true;
            ++p;
        }
        while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
        while (*p == 'l') {
            ++longs;
            ++p;
        }
        switch (*p) {
        case 'd': {
            int64_t v = longs >= 2 ? va_arg(args, long long) : va_arg(args, int);
            put_number(out, v < 0 ? uint64_t(-v) : uint64_t(v), 10, v < 0, false, width, zero_pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = longs >= 2 ? va_arg(args, unsigned long long) : va_arg(args, unsigned);
            put_number(out, v, *p == 'u' ? 10 : 16, false, *p == 'X', width, zero_pad);
            break;
        }
        case 'p':
            out.put('0');
            out.put('x');
            put_number(out, reinterpret_cast<uintptr_t>(va_arg(args, void*)), 16, false, false, 8, true);
            break;
        case 's': {
            const char* s = va_arg(args, const char*);
            if (s == nullptr) s = "(null)";
            int length = 0;
            while (s[length] != '\0') ++length;
            out.pad(' ', width - length);
            for (int i = 0; i < length; ++i) out.put(s[i]);
            break;
        }
        case 'c':
            out.put(static_cast<char>(va_arg(args, int)));
            break;
        case '\0':
            --p;
            break;
        default:
            out.put(*p);
            break;
        }
    }
    return out.finish();
}

size_t snprintf(char* buffer, size_t size, const char* format, ...) {
    va_list args;
    va_start(args, format);
    size_t length = vsnprintf(buffer, size, format, args);
    va_end(args);
    return length;
}

void printf(const char* format, ...) {
    char line[256];
    va_list args;
    va_start(args, format);
    vsnprintf(line, sizeof line, format, args);
    va_end(args);
    kdebug::puts(line);
}

}  // namespace l4
