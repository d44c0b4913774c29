// cxx_runtime.h: C++ language support for the freestanding kernel.
#pragma once

#include <stddef.h>

/// Runs the constructors of global objects (.init_array), once, at boot.
void run_global_constructors();

inline void* operator new(size_t, void* where) noexcept { return where; }
