// syscall_abi.cc: the L4 X.2 IA32 system-call register convention.
//
// User code calls the stubs in the KIP (boot/kip_page.cc); each stub is
// `int $vector; ret`, one vector per system call, in KIP order from
// VECTOR_SYSCALL_FIRST. The trap saved every register in the TrapFrame; this
// file reads the arguments from it, calls syscall/syscalls.h, and writes the
// results back where the convention (Pistachio user/include/l4/ia32/
// syscalls.h) expects them:
//
//   call               in                                       out
//   SpaceControl       EAX space ECX control EDX kip ESI utcb   EAX result ECX control
//                      EDI redirector
//   ThreadControl      EAX dest ECX pager EDX scheduler          EAX result
//                      ESI space EDI utcb location
//   ProcessorControl   EAX cpu ECX internal EDX external ESI volt EAX result
//   MemoryControl      EAX control ECX EDX EBX EBP attributes    EAX result
//   Ipc, Lipc          EAX to EDX from ECX timeouts ESI MR0      EAX from ESI MR0
//                      (EDI UTCB, not needed: the kernel knows)  EBX MR1 EBP MR2
//   Unmap              EAX control ESI MR0                       ESI MR0
//   ExchangeRegisters  EAX dest ECX control EDX sp ESI ip       the same registers,
//                      EDI flags EBX user handle EBP pager      old values, EAX id
//   SystemClock        -                                         EDX:EAX microseconds
//   ThreadSwitch       EAX dest                                  -
//   Schedule           EAX dest ECX prio EDX time ESI processor EAX result EDX time
//                      EDI preemption
//
// An Ipc or Lipc comes here only when the IPC fast path did not take it
// (ipc_fast_entry.cc).
#include "syscall/syscalls.h"
#include "arch/ia32/layout.h"
#include "arch/ia32/trap.h"

namespace ia32 {

namespace {

enum class Call : unsigned {
    SpaceControl,
    ThreadControl,
    ProcessorControl,
    MemoryControl,
    Ipc,
    Lipc,
    Unmap,
    ExchangeRegisters,
    SystemClock,
    ThreadSwitch,
    Schedule,
};

api::ThreadId tid(uint32_t raw) { return api::ThreadId::from_raw(raw); }

void ipc(TrapFrame& f) {
    syscall::IpcResult r =
        syscall::ipc(tid(f.eax), tid(f.edx), api::Timeouts::from_raw(f.ecx), api::MsgTag::from_raw(f.esi));
    f.eax = r.from.raw();
    f.esi = r.tag.raw();
    f.ebx = r.mr1;
    f.ebp = r.mr2;
}

}  // namespace

void handle_syscall(TrapFrame& f) {
    switch (Call(f.vector - VECTOR_SYSCALL_FIRST)) {
    case Call::SpaceControl: {
        syscall::SpaceControlResult r = syscall::space_control(
            tid(f.eax), f.ecx, api::Fpage::from_raw(f.edx), api::Fpage::from_raw(f.esi), tid(f.edi));
        f.eax = r.result;
        f.ecx = r.control;
        break;
    }
    case Call::ThreadControl:
        f.eax = syscall::thread_control(tid(f.eax), tid(f.esi), tid(f.edx), tid(f.ecx), f.edi);
        break;
    case Call::ProcessorControl: f.eax = syscall::processor_control(f.eax, f.ecx, f.edx, f.esi); break;
    case Call::MemoryControl: {
        const api::Word attributes[4] = {f.ecx, f.edx, f.ebx, f.ebp};
        f.eax = syscall::memory_control(f.eax, attributes);
        break;
    }
    case Call::Ipc:
    case Call::Lipc: ipc(f); break;
    case Call::Unmap: f.esi = syscall::unmap(f.eax, f.esi); break;
    case Call::ExchangeRegisters: {
        syscall::ExchangeRegisters r =
            syscall::exchange_registers({tid(f.eax), f.ecx, f.edx, f.esi, f.edi, f.ebx, tid(f.ebp)});
        f.eax = r.dest.raw();
        f.ecx = r.control;
        f.edx = r.sp;
        f.esi = r.ip;
        f.edi = r.flags;
        f.ebx = r.user_handle;
        f.ebp = r.pager.raw();
        break;
    }
    case Call::SystemClock: {
        uint64_t now = syscall::system_clock();
        f.eax = uint32_t(now);
        f.edx = uint32_t(now >> 32);
        break;
    }
    case Call::ThreadSwitch: syscall::thread_switch(tid(f.eax)); break;
    case Call::Schedule: {
        syscall::ScheduleResult r = syscall::schedule(tid(f.eax), f.edx, f.esi, f.ecx, f.edi);
        f.eax = r.result;
        f.edx = r.time_control;
        break;
    }
    }
}

}  // namespace ia32
