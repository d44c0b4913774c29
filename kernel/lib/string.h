// string.h: the C memory and string functions the compiler and the kernel use.
//
// The compiler itself emits calls to memcpy, memmove and memset (for struct
// copies and zeroing), so a freestanding kernel must provide them.
#pragma once

#include <stddef.h>

extern "C" {
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int value, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, size_t n);
}
