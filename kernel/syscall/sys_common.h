// sys_common.h: helpers every system call uses: the caller, its privilege,
// its ErrorCode TCR, and running an operation on the CPU a thread lives on.
#pragma once

#include "api/error.h"
#include "api/thread_id.h"
#include "ipc/remote.h"
#include "thread/tcb.h"

namespace syscall {

/// The thread making the system call.
thread::Tcb* caller();

/// Whether the caller's space is privileged (the root task's, and sigma0's).
bool caller_privileged();

/// Sets the caller's ErrorCode TCR (and returns the call's failure value, 0).
api::Word fail(api::Error error);

/// Thread `id` as the caller names it (global id, or local id in its own space).
thread::Tcb* resolve_thread(api::ThreadId id);

/// Runs op(request) on the CPU where `target` lives, with `args` as
/// request.args, and returns request.status (a thread::WakeReason): Done, or
/// NoPartner when the thread vanished. Blocks the caller when the target is on
/// another CPU. Results come back in `args`.
uint8_t run_on_owner(thread::Tcb* target, ipc::RemoteOp op, api::Word args[8]);

}  // namespace syscall
