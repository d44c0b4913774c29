// format.h: printf-style formatting into a caller's buffer or a character sink.
//
// The kernel has no C library, so this is the one formatter everything uses: the
// serial console's kprintf, panic messages, and the topology report. It is pure
// code with no hardware access, so the Catch2 host tests compile it too.
//
// Supported conversions: %d %i %u %x %X %o %p %c %s %%, with the flags '-' and '0',
// a field width (number or '*'), a precision for strings (number or '*'), and the length
// modifiers l and ll. %p prints 0x followed by eight hex digits.
#pragma once

#include <stdarg.h>
#include <stddef.h>

namespace kstd {

/// Receives formatted characters one at a time.
class CharSink {
public:
    virtual void put(char c) = 0;

protected:
    ~CharSink() = default;
};

/// Formats into `sink`; returns the number of characters produced.
size_t vformat(CharSink& sink, const char* fmt, va_list args);

/// Formats into buf[0..size), always NUL-terminating when size > 0; returns the
/// length the full output would have had (like snprintf), so truncation is visible.
size_t vformat_to(char* buf, size_t size, const char* fmt, va_list args);
[[gnu::format(printf, 3, 4)]] size_t format_to(char* buf, size_t size, const char* fmt, ...);

/// Copies `text` into out[0..size) with every byte that could end or redraw a
/// line made visible: newline as \n, carriage return as \r, tab as \t, a
/// backslash as \\, any other control byte or byte >= 0x7F as \xNN. So the
/// copy is one line that starts where the caller put it: text from lab code
/// (lab_printf, panic messages) can never begin a line the grader reads as a
/// result. Always NUL-terminates when size > 0 and never cuts an escape in
/// half; returns the length written.
size_t escape_to(char* out, size_t size, const char* text);

/// Appends formatted text to a fixed buffer; used to build one output line piece by
/// piece (for example "cpus=0,1") without a heap.
class LineBuffer {
public:
    LineBuffer(char* buf, size_t size) : m_buf(buf), m_size(size) { clear(); }
    [[gnu::format(printf, 2, 3)]] void append(const char* fmt, ...);
    void clear();
    const char* c_str() const { return m_buf; }
    size_t length() const { return m_len; }
    bool truncated() const { return m_truncated; }

private:
    char* m_buf;
    size_t m_size;
    size_t m_len = 0;
    bool m_truncated = false;
};

}  // namespace kstd
