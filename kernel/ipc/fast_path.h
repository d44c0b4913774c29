// fast_path.h: the IPC fast path: a Call or ReplyWait of a few untyped words
// to a thread of this CPU that already waits for it, done with no run queue,
// no second lookup and a direct return to the receiver.
//
// It is the architecture's: on IA32, arch/ia32/syscall/ipc_fast.S, entered
// by every Ipc and Lipc system call, walks through it step by step, and
// hands every other IPC to the general path (ipc.h). `fastpath=off` on the
// kernel command line turns it off, and every IPC then takes the general
// path. This is what the rest of the kernel sees of it.
#pragma once

#include "ipc/ipc.h"

namespace ipc {

/// Whether the fast path is on (it is unless the kernel was booted with fastpath=off).
bool fast_path_enabled();

/// A thread that blocked in the fast path runs again (switched to by either
/// path, on any CPU): finishes the switch and returns the result of its Ipc,
/// which the caller hands to user mode as the system call's.
IpcResult fast_ipc_resumed();

}  // namespace ipc
