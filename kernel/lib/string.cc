// string.cc: see string.h. memcpy and memset use the x86 string instructions,
// which modern CPUs execute fast for any size.
#include "lib/string.h"

#include <stdint.h>

extern "C" {

void* memcpy(void* dst, const void* src, size_t n) {
    void* d = dst;
    asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
    return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
    auto* d = static_cast<unsigned char*>(dst);
    auto* s = static_cast<const unsigned char*>(src);
    if (d <= s || d >= s + n) return memcpy(dst, src, n);
    for (size_t i = n; i > 0; --i) d[i - 1] = s[i - 1];  // overlapping, copy backwards
    return dst;
}

void* memset(void* dst, int value, size_t n) {
    void* d = dst;
    asm volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(value) : "memory");
    return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
    auto* x = static_cast<const unsigned char*>(a);
    auto* y = static_cast<const unsigned char*>(b);
    for (size_t i = 0; i < n; ++i)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char* s) {
    size_t n = 0;
    while (s[n] != '\0') ++n;
    return n;
}

int strcmp(const char* a, const char* b) {
    while (*a != '\0' && *a == *b) ++a, ++b;
    return int(static_cast<unsigned char>(*a)) - int(static_cast<unsigned char>(*b));
}

int strncmp(const char* a, const char* b, size_t n) {
    for (; n > 0; --n, ++a, ++b) {
        if (*a != *b || *a == '\0') return int(static_cast<unsigned char>(*a)) - int(static_cast<unsigned char>(*b));
    }
    return 0;
}
}
