// fast_path.cc: the architecture-independent part of the IPC fast path
// (ipc/fast_path.h; the path itself: arch/ia32/syscall/ipc_fast.S).
//
// A sender the fast path blocked is Receiving, with its receive phase set up
// as ipc::ipc() would have left it. Whichever path later ends that receive
// phase (this CPU's fast path answering it, or the general path: a reply
// from another CPU, ExchangeRegisters cancelling it, a deleted partner) reads its
// result as the general path's receive phase does.
#include "ipc/fast_path.h"

#include "platform/boot_options.h"
#include "thread/cpu_scheduler.h"
#include "thread/scheduler.h"

namespace ipc {

bool fast_path_enabled() { return platform::boot_options().ipc_fast_path; }

IpcResult fast_ipc_resumed() {
    thread::detail::finish_switch();
    return blocked_result(thread::current());
}

}  // namespace ipc
