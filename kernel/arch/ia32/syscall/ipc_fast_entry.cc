// ipc_fast_entry.cc: the IA32 side of the IPC fast path (ipc/fast_path.h).
//
// Every Ipc and Lipc system call tries the fast path first (unless the kernel
// was booted with fastpath=off): their vectors enter at ipc_trap() below
// (trap_entry.S's ipc_entry and lipc_entry), which falls back to handle_trap.
// When it takes the IPC, the receiver is already the running thread, and
// this file returns to its user mode directly:
//
//   1. the receiver's Ipc results go into its saved user registers, the
//      TrapFrame at the top of its kernel stack, as syscall_abi.cc would put
//      them (EAX from, ESI MR0, EBX MR1, EBP MR2);
//   2. arch_ipc_switch (switch.S) moves to the receiver's kernel stack, just
//      below that frame, and leaves through trap_return; on the sender's stack
//      it leaves a switch frame (switch.S's layout) whose return address is
//      ipc_fast_resume, and saves its address as the sender's kernel context.
//
// The receiver's own kernel context, saved when it blocked (in the general
// path's block(), or at ipc_fast_resume), is simply dropped: all it had left
// to do was to return its Ipc result to user mode, which step 1 did.
//
// Whoever later switches to the sender (arch::switch_stacks, or step 2 from
// another fast IPC, which drops that context too) lands in ipc_fast_resume,
// which calls ipc_fast_resumed() below and leaves through trap_return: the
// Ipc result into the frame, then the safe point, as every system call.
#include "arch/ia32/trap.h"
#include "arch/user.h"
#include "ipc/fast_path.h"
#include "thread/scheduler.h"

extern "C" [[noreturn, gnu::regparm(3)]] void arch_ipc_switch(uint32_t* save_esp, ia32::TrapFrame* prev,
                                                               ia32::TrapFrame* next);

namespace ia32 {

namespace {

TrapFrame& frame_of(thread::Tcb* tcb) { return *reinterpret_cast<TrapFrame*>(tcb->user_frame()); }

/// An Ipc's results in the X.2 IA32 registers (syscall_abi.cc's table).
void put_result(TrapFrame& f, ipc::IpcResult result, const api::Utcb* utcb) {
    f.eax = result.from.raw();
    f.esi = result.tag.raw();
    f.ebx = utcb->mr[1];
    f.ebp = utcb->mr[2];
}

/// The IPC fast path for the Ipc in `f`: returns only when it does not apply.
void try_fast_ipc(TrapFrame& f) {
    ipc::FastIpc done = ipc::try_fast_ipc(api::ThreadId::from_raw(f.eax), api::ThreadId::from_raw(f.edx),
                                          api::Timeouts::from_raw(f.ecx), api::MsgTag::from_raw(f.esi));
    thread::Tcb* dest = done.receiver;
    if (dest == nullptr) return;
    TrapFrame& to = frame_of(dest);
    put_result(to, done.result, dest->m_utcb);
    // `f` is the sender's frame_of() (a system call comes from user mode),
    // found from the sender again rather than kept in a register throughout.
    arch_ipc_switch(&done.sender->m_kernel_esp, &frame_of(done.sender), &to);
}

}  // namespace

}  // namespace ia32

// Where the Ipc and Lipc vectors enter (trap_entry.S's ipc_entry, lipc_entry).
extern "C" void ipc_trap(ia32::TrapFrame* frame) {
    ia32::try_fast_ipc(*frame);  // returns only when the fast path does not apply
    handle_trap(frame);
}

// A thread that blocked in the fast path runs again (from switch.S's ipc_fast_resume).
extern "C" void ipc_fast_resumed() {
    ipc::IpcResult result = ipc::fast_ipc_resumed();
    thread::Tcb* self = thread::current();
    ia32::put_result(ia32::frame_of(self), result, self->m_utcb);
    thread::kernel_exit();
}
