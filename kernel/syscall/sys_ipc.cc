// sys_ipc.cc: the Ipc and Lipc system calls (the work is in ipc/ipc.cc).
//
// Lipc, X.2's "local IPC" between threads of one space, is the same call here:
// Pistachio's fast path for it is an optimisation, not a different meaning.
#include "syscall/sys_common.h"
#include "syscall/syscalls.h"
#include "ipc/ipc.h"

namespace syscall {

using namespace api;  // the X.2 types every system call decodes

IpcResult ipc(ThreadId to, ThreadId from_spec, Timeouts timeouts, MsgTag mr0) {
    ipc::IpcResult r = ipc::ipc(to, from_spec, timeouts, mr0);
    const Utcb* utcb = caller()->m_utcb;
    return IpcResult{r.from, r.tag, utcb->mr[1], utcb->mr[2]};
}

}  // namespace syscall
