// runtime.cc: what the C++ language needs before main, and after it.
//
// program_start (called by crt0.S) finds the KIP's IPC stubs (ipc.h), runs the global
// constructors the linker collected between __init_array_start and __init_array_end
// (user.ld), then main. A program has nothing to return to: when main returns, the
// thread sleeps for ever. Global destructors are never run, so their registration is a
// no-op.
#include "l4/ipc.h"

// In a freestanding program main is an ordinary C++ function (with a mangled name).
int main();

extern "C" {
using Constructor = void (*)();
extern Constructor __init_array_start[];
extern Constructor __init_array_end[];

[[noreturn]] void program_start() {
    l4::detail::find_ipc_stubs();
    for (Constructor* c = __init_array_start; c != __init_array_end; ++c) (*c)();
    main();
    l4::sleep_forever();
}

int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
void* __dso_handle = nullptr;
}
