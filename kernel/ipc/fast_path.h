// fast_path.h: the IPC fast path (fast_path.cc): a Call or ReplyWait of a few
// untyped words to a thread of this CPU that already waits for it, done with
// no run queue, no second lookup and a direct return to the receiver.
//
// The system-call entry (arch/ia32/syscall/ipc_fast_entry.cc) tries it first
// for every Ipc and Lipc; `fastpath=off` on the kernel command line turns it
// off, and every IPC then takes the general path (ipc.h).
#pragma once

#include "api/msg_tag.h"
#include "api/thread_id.h"
#include "api/time.h"
#include "ipc/ipc.h"
#include "thread/tcb.h"

namespace ipc {

/// Whether the fast path is on (it is unless the kernel was booted with fastpath=off).
bool fast_path_enabled();

/// What try_fast_ipc() did: no receiver when it did nothing.
struct FastIpc {
    thread::Tcb* sender;    ///< the calling thread, now Receiving
    thread::Tcb* receiver;  ///< now this CPU's running thread
    IpcResult result;       ///< the receiver's Ipc result (not stored in its TCB)
};

/// The running thread's Ipc, if the fast path can do it: then the message is
/// delivered, the caller (the sender) is Receiving, and the receiver is this
/// CPU's running thread, its directory, kernel stack and UTCB segment loaded;
/// the caller must return to it in user mode at once (its Ipc results are in
/// the returned `result` and its UTCB's MRs) and save the sender's
/// kernel context so that it resumes in fast_ipc_resumed(). Returns no
/// receiver, having changed nothing, when the general path must do the IPC.
/// Entered only when the fast path is on (fast_path_enabled()).
FastIpc try_fast_ipc(api::ThreadId to, api::ThreadId from_spec, api::Timeouts timeouts, api::MsgTag tag);

/// A thread that blocked in the fast path runs again (switched to by either
/// path, on any CPU): finishes the switch and returns the result of its Ipc,
/// which the caller hands to user mode as the system call's.
IpcResult fast_ipc_resumed();

}  // namespace ipc
