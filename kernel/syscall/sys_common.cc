// sys_common.cc: helpers of the system calls (see sys_common.h).
#include "syscall/sys_common.h"

#include "arch/arch.h"
#include "mm/space.h"
#include "thread/scheduler.h"
#include "thread/tcb_array.h"

namespace syscall {

using namespace api;  // the X.2 types every system call decodes

thread::Tcb* caller() { return thread::current(); }

bool caller_privileged() { return caller()->m_space->is_privileged(); }

Word fail(Error error) {
    caller()->m_utcb->error_code = static_cast<Word>(error);
    return 0;
}

thread::Tcb* resolve_thread(ThreadId id) {
    if (id.is_nil() || id.is_any() || id.is_any_local()) return nullptr;
    thread::Tcb* tcb;
    if (id.is_global()) {
        tcb = thread::lookup_thread(id);
    } else {
        tcb = static_cast<thread::Tcb*>(caller()->m_space->utcb_owner(utcb_location(id.raw())));
        if (tcb != nullptr && (!tcb->exists() || tcb->local_id() != id)) tcb = nullptr;
    }
    return tcb != nullptr && !tcb->m_zombie ? tcb : nullptr;
}

uint8_t run_on_owner(thread::Tcb* target, ipc::RemoteOp op, Word args[8]) {
    thread::Tcb* self = caller();
    // A CancelSend of an earlier send still out in m_request: wait for it.
    if (self->m_cancel_pending && !ipc::await_request(self, target)) return uint8_t(thread::WakeReason::NoPartner);
    ipc::RemoteRequest& request = self->m_request;
    request.kind = ipc::RequestKind::RunOp;
    request.subject = target;
    request.subject_id = target->m_global_id;
    request.origin = self;
    request.op = op;
    request.status = uint8_t(thread::WakeReason::Done);
    for (unsigned i = 0; i < 8; ++i) request.args[i] = args[i];
    if (target->owned_by(arch::cpu_index())) {
        op(request);
    } else {
        ipc::post(target->cpu(), request);
        thread::block(thread::State::WaitingRemote, 0);
        request.status = self->m_reply.status;
    }
    for (unsigned i = 0; i < 8; ++i) args[i] = request.args[i];
    return request.status;
}

}  // namespace syscall
