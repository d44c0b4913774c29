// string.h: the C string and memory functions a freestanding program still needs.
// The compiler itself emits calls to memcpy and memset (struct copies, zeroing), so
// these have C linkage.
#pragma once

#include <stddef.h>

extern "C" {
void* memcpy(void* dest, const void* src, size_t n);
void* memmove(void* dest, const void* src, size_t n);
void* memset(void* dest, int value, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, size_t n);
}
