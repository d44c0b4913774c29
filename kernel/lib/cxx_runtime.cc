// cxx_runtime.cc: what compiled C++ expects from its runtime, in a kernel.
//
//  - operator new/delete are the kernel heap's (mm/kernel_heap.cc), one
//    layer up: this file, in lib/, knows nothing of memory management.
//  - __cxa_pure_virtual: called if a pure virtual function is ever invoked.
//  - __cxa_atexit / __dso_handle: registration of global destructors, which a
//    kernel that never exits does not need to run.
//  - run_global_constructors(): runs .init_array, which the linker script keeps.
#include "lib/cxx_runtime.h"

#include "lib/panic.h"

extern "C" {
using Constructor = void (*)();
extern Constructor _init_array_start[], _init_array_end[];

void* __dso_handle = nullptr;

int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }

void __cxa_pure_virtual() { panic("pure virtual function called"); }
}

void run_global_constructors() {
    for (Constructor* c = _init_array_start; c != _init_array_end; ++c) (*c)();
}
