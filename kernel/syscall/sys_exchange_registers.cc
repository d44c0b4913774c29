// sys_exchange_registers.cc: the ExchangeRegisters system call.
//
//   ExchangeRegisters(dest, control, sp, ip, flags, UserDefinedHandle, pager)
// reads and sets a thread's user state. control bits (X.2, Pistachio's
// L4_ExReg_*): 0 h (halt when H), 1 r (abort a receive), 2 s (abort a send),
// 3 sp, 4 ip, 5 flags, 6 user handle, 7 pager (set these), 8 H (apply h:
// halt or resume), 9 d (deliver: the old values come back; they always do
// here). The old values are returned in the same registers, control comes
// back with bit 0 halted, bit 1 receiving, bit 2 sending, and the result is
// dest's other id: the local one when given the global one (same space only),
// the global one when given the local one.
// dest must be in the caller's address space unless the caller is privileged.
// Aborting the receive of a new thread waiting for its start message starts it
// at the given sp and ip (this is how L4_Start works).
#include "syscall/sys_common.h"
#include "syscall/syscalls.h"
#include "arch/user.h"
#include "ipc/ipc.h"
#include "thread/scheduler.h"

namespace syscall {

using namespace api;  // the X.2 types every system call decodes

namespace {

constexpr Word kHalt = 1 << 0;
constexpr Word kAbortReceive = 1 << 1;
constexpr Word kAbortSend = 1 << 2;
constexpr Word kSetSp = 1 << 3;
constexpr Word kSetIp = 1 << 4;
constexpr Word kSetFlags = 1 << 5;
constexpr Word kSetUserHandle = 1 << 6;
constexpr Word kSetPager = 1 << 7;
constexpr Word kApplyHalt = 1 << 8;

// On the owner CPU. args: [0] control, [1] sp, [2] ip, [3] flags, [4] user
// handle, [5] pager; the old values come back in the same places, the state
// bits in [0].
void exregs_op(ipc::RemoteRequest& request) {
    thread::Tcb* tcb = request.subject;
    Word* a = request.args;
    Word control = a[0];
    if (tcb->m_utcb == nullptr) {  // inactive: nothing to exchange yet
        for (unsigned i = 0; i < 6; ++i) a[i] = 0;
        return;
    }
    arch::UserFrame* frame = tcb->user_frame();
    Word old[6] = {0, arch::user_sp(frame), arch::user_ip(frame), arch::user_flags(frame),
                   tcb->m_utcb->user_defined_handle, tcb->m_utcb->pager.raw()};
    old[0] = (tcb->m_state == thread::State::Halted ? 1 : 0) | (tcb->m_state == thread::State::Receiving ? 2 : 0) |
             (tcb->m_state == thread::State::Sending ? 4 : 0);
    if (control & kSetSp) arch::set_user_sp(frame, a[1]);
    if (control & kSetIp) arch::set_user_ip(frame, a[2]);
    if (control & kSetFlags) arch::set_user_flags(frame, a[3]);
    if (control & kSetUserHandle) tcb->m_utcb->user_defined_handle = a[4];
    if (control & kSetPager) tcb->m_utcb->pager = ThreadId::from_raw(a[5]);
    if ((control & kAbortReceive) && tcb->m_state == thread::State::Receiving) {
        tcb->m_start_pending = false;
        tcb->m_receive_to_kernel = false;
        ipc::abort_ipc(tcb, thread::WakeReason::Cancelled);
    }
    if ((control & kAbortSend) && tcb->m_state == thread::State::Sending)
        ipc::abort_ipc(tcb, thread::WakeReason::Cancelled);
    if (control & kApplyHalt) {
        if ((control & kHalt) && tcb->m_state == thread::State::Ready) {
            thread::detach(tcb);
            tcb->m_state = thread::State::Halted;
        } else if (!(control & kHalt) && tcb->m_state == thread::State::Halted) {
            thread::make_ready(tcb);
        }
    }
    for (unsigned i = 0; i < 6; ++i) a[i] = old[i];
}

}  // namespace

ExchangeRegisters exchange_registers(const ExchangeRegisters& in) {
    ExchangeRegisters fail_result{ThreadId::nil(), 0, 0, 0, 0, 0, ThreadId::nil()};
    thread::Tcb* tcb = resolve_thread(in.dest);
    if (tcb == nullptr || tcb->m_is_idle) {
        fail(Error::InvalidThread);
        return fail_result;
    }
    if (tcb->m_space != caller()->m_space && !caller_privileged()) {
        fail(Error::InvalidThread);
        return fail_result;
    }
    Word args[8] = {in.control, in.sp, in.ip, in.flags, in.user_handle, in.pager.raw(), 0, 0};
    if (tcb == caller()) {
        // The caller itself: its registers are the ones it is passing now.
        args[0] &= ~(kAbortReceive | kAbortSend | kApplyHalt);
    }
    if (run_on_owner(tcb, exregs_op, args) != uint8_t(thread::WakeReason::Done)) {
        fail(Error::InvalidThread);
        return fail_result;
    }
    // X.2: the result is dest's other name (L4_LocalIdOf and L4_GlobalIdOf rely
    // on it): the local id for a global one, the global id for a local one. A
    // thread of another space has no local id for the caller: its global id.
    bool local = in.dest.is_global() && tcb->m_space == caller()->m_space;
    ThreadId id = local ? tcb->local_id() : tcb->m_global_id;
    return ExchangeRegisters{id, args[0], args[1], args[2], args[3], args[4], ThreadId::from_raw(args[5])};
}

}  // namespace syscall
