// format.cc: the formatter behind kprintf (see format.h for what it supports).
#include "lib/format.h"

#include <stdint.h>

namespace kstd {
namespace {

struct Spec {
    bool left = false;
    bool zero = false;
    int width = 0;
    int precision = -1;
    int longs = 0;
};

class Emitter {
public:
    explicit Emitter(CharSink& sink) : m_sink(sink) {}
    void put(char c) {
        m_sink.put(c);
        ++m_count;
    }
    void pad(int n, char c) {
        for (; n > 0; --n) put(c);
    }
    size_t count() const { return m_count; }

private:
    CharSink& m_sink;
    size_t m_count = 0;
};

void emit_string(Emitter& out, const Spec& spec, const char* s) {
    if (s == nullptr) s = "(null)";
    int len = 0;
    while (s[len] != '\0' && (spec.precision < 0 || len < spec.precision)) ++len;
    if (!spec.left) out.pad(spec.width - len, ' ');
    for (int i = 0; i < len; ++i) out.put(s[i]);
    if (spec.left) out.pad(spec.width - len, ' ');
}

void emit_number(Emitter& out, const Spec& spec, uint64_t value, unsigned base, bool negative,
                 bool upper, const char* prefix) {
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = digits[value % base];
        value /= base;
    } while (value != 0);
    int prefix_len = 0;
    while (prefix[prefix_len] != '\0') ++prefix_len;
    int body = n + prefix_len + (negative ? 1 : 0);
    if (!spec.left && !spec.zero) out.pad(spec.width - body, ' ');
    if (negative) out.put('-');
    for (int i = 0; i < prefix_len; ++i) out.put(prefix[i]);
    if (!spec.left && spec.zero) out.pad(spec.width - body, '0');
    while (n > 0) out.put(tmp[--n]);
    if (spec.left) out.pad(spec.width - body, ' ');
}

uint64_t fetch_unsigned(const Spec& spec, va_list& args) {
    if (spec.longs >= 2) return va_arg(args, unsigned long long);
    if (spec.longs == 1) return va_arg(args, unsigned long);
    return va_arg(args, unsigned int);
}

int64_t fetch_signed(const Spec& spec, va_list& args) {
    if (spec.longs >= 2) return va_arg(args, long long);
    if (spec.longs == 1) return va_arg(args, long);
    return va_arg(args, int);
}

class BufferSink final : public CharSink {
public:
    BufferSink(char* buf, size_t size) : m_buf(buf), m_size(size) {}
    void put(char c) override {
        if (m_size != 0 && m_len + 1 < m_size) m_buf[m_len] = c;
        ++m_len;
    }
    void finish() {
        if (m_size == 0) return;
        m_buf[m_len < m_size ? m_len : m_size - 1] = '\0';
    }

private:
    char* m_buf;
    size_t m_size;
    size_t m_len = 0;
};

}  // namespace

size_t vformat(CharSink& sink, const char* fmt, va_list args_in) {
    Emitter out(sink);
    va_list args;
    va_copy(args, args_in);
    for (const char* p = fmt; *p != '\0'; ++p) {
        if (*p != '%') {
            out.put(*p);
            continue;
        }
        Spec spec;
        ++p;
        for (;; ++p) {
            if (*p == '-') spec.left = true;
            else if (*p == '0') spec.zero = true;
            else break;
        }
        if (*p == '*') {
            spec.width = va_arg(args, int);
            if (spec.width < 0) {
                spec.left = true;
                spec.width = -spec.width;
            }
            ++p;
        }
        while (*p >= '0' && *p <= '9') spec.width = spec.width * 10 + (*p++ - '0');
        if (*p == '.') {
            ++p;
            spec.precision = 0;
            if (*p == '*') {
                spec.precision = va_arg(args, int);
                if (spec.precision < 0) spec.precision = -1;  // as if no precision were given
                ++p;
            }
            while (*p >= '0' && *p <= '9') spec.precision = spec.precision * 10 + (*p++ - '0');
        }
        while (*p == 'l') {
            ++spec.longs;
            ++p;
        }
        if (*p == 'z') ++p;  // size_t is unsigned long on every target we build for
        switch (*p) {
        case 'd':
        case 'i': {
            int64_t v = fetch_signed(spec, args);
            uint64_t magnitude = v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v);
            emit_number(out, spec, magnitude, 10, v < 0, false, "");
            break;
        }
        case 'u': emit_number(out, spec, fetch_unsigned(spec, args), 10, false, false, ""); break;
        case 'x': emit_number(out, spec, fetch_unsigned(spec, args), 16, false, false, ""); break;
        case 'X': emit_number(out, spec, fetch_unsigned(spec, args), 16, false, true, ""); break;
        case 'o': emit_number(out, spec, fetch_unsigned(spec, args), 8, false, false, ""); break;
        case 'p': {
            Spec ptr;
            ptr.zero = true;
            ptr.width = 2 + 2 * int(sizeof(void*));
            emit_number(out, ptr, uintptr_t(va_arg(args, void*)), 16, false, false, "0x");
            break;
        }
        case 'c': out.put(char(va_arg(args, int))); break;
        case 's': emit_string(out, spec, va_arg(args, const char*)); break;
        case '%': out.put('%'); break;
        case '\0': --p; break;  // a lone '%' at the end prints nothing
        default:
            out.put('%');
            out.put(*p);
            break;
        }
    }
    va_end(args);
    return out.count();
}

size_t vformat_to(char* buf, size_t size, const char* fmt, va_list args) {
    BufferSink sink(buf, size);
    size_t n = vformat(sink, fmt, args);
    sink.finish();
    return n;
}

size_t format_to(char* buf, size_t size, const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    size_t n = vformat_to(buf, size, fmt, args);
    va_end(args);
    return n;
}

void LineBuffer::clear() {
    m_len = 0;
    m_truncated = false;
    if (m_size != 0) m_buf[0] = '\0';
}

void LineBuffer::append(const char* fmt, ...) {
    if (m_size == 0) return;
    va_list args;
    va_start(args, fmt);
    size_t room = m_size - m_len;
    size_t n = vformat_to(m_buf + m_len, room, fmt, args);
    va_end(args);
    if (n >= room) {
        m_truncated = true;
        m_len = m_size - 1;
    } else {
        m_len += n;
    }
}

size_t escape_to(char* out, size_t size, const char* text) {
    if (size == 0) return 0;
    static const char kHex[] = "0123456789abcdef";
    size_t n = 0;
    for (const char* p = text; *p != '\0'; ++p) {
        unsigned char c = static_cast<unsigned char>(*p);
        char piece[5];
        size_t length = 0;
        if (c == '\n' || c == '\r' || c == '\t' || c == '\\') {
            piece[0] = '\\';
            piece[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : '\\';
            length = 2;
        } else if (c < 0x20 || c >= 0x7F) {
            piece[0] = '\\';
            piece[1] = 'x';
            piece[2] = kHex[c >> 4];
            piece[3] = kHex[c & 15];
            length = 4;
        } else {
            piece[0] = char(c);
            length = 1;
        }
        if (n + length >= size) break;  // the whole escape or nothing
        for (size_t i = 0; i < length; ++i) out[n++] = piece[i];
    }
    out[n] = '\0';
    return n;
}

}  // namespace kstd
