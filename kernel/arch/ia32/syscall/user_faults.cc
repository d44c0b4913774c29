// user_faults.cc: CPU exceptions raised by user threads, on IA32.
//
// Nothing a user thread does may stop the kernel. Its exceptions are sorted
// here and handed to the generic code:
//   #PF               page-fault IPC to the pager (ipc/faults.h)
//   #UD on lock; nop  KernelInterface: the KIP address and versions (X.2)
//   #BP (int3)        the kernel debugger interface (syscall/kdebug.h)
//   #GP on in/out     IO-fault IPC for the port (IO fpages, X.2 IA32)
//   anything else     exception IPC to the exception handler; without one,
//                     the thread is stopped with a diagnostic
#include "syscall/kdebug.h"
#include "syscall/syscalls.h"
#include "arch/ia32/cpu.h"
#include "arch/ia32/trap.h"
#include "arch/user.h"
#include "ipc/faults.h"

namespace ia32 {

namespace {

constexpr uint32_t kVectorInvalidOpcode = 6;
constexpr uint32_t kVectorBreakpoint = 3;
constexpr uint32_t kVectorGeneralProtection = 13;
constexpr uint32_t kVectorPageFault = 14;

const char* const kExceptionNames[] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound range",
    "#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor overrun",
    "#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved", "#MF x87 error", "#AC alignment check", "#MC machine check",
    "#XM SIMD error"};

const char* name_of(uint32_t vector) {
    return vector < sizeof(kExceptionNames) / sizeof(kExceptionNames[0]) ? kExceptionNames[vector] : "exception";
}

bool is_lock_nop(const TrapFrame& f) {
    uint8_t bytes[2];
    return kdebug::read_user(f.eip, bytes, 2) && bytes[0] == 0xF0 && bytes[1] == 0x90;
}

// An IN or OUT at f.eip: its port and width (log2 of the number of ports).
bool decode_port_access(const TrapFrame& f, uint32_t* port, unsigned* log2_width) {
    uint8_t code[4];
    if (!kdebug::read_user(f.eip, code, 2)) return false;
    unsigned at = 0;
    bool operand16 = false;
    if (code[0] == 0x66) {
        operand16 = true;
        at = 1;
        if (!kdebug::read_user(f.eip, code, 3)) return false;
    }
    uint8_t op = code[at];
    bool wide = (op & 1) != 0;
    *log2_width = !wide ? 0 : (operand16 ? 1 : 2);
    switch (op) {
    case 0xE4: case 0xE5: case 0xE6: case 0xE7: *port = code[at + 1]; return true;  // in/out imm8
    case 0xEC: case 0xED: case 0xEE: case 0xEF: *port = f.edx & 0xFFFF; return true;  // in/out dx
    case 0x6C: case 0x6D: case 0x6E: case 0x6F: *port = f.edx & 0xFFFF; return true;  // ins/outs
    default: return false;
    }
}

void exception_ipc(TrapFrame& f) {
    api::Word words[12] = {f.eip, f.eflags, f.vector, f.error_code, f.edi, f.esi,
                           f.ebp, f.user_esp, f.ebx, f.edx, f.ecx, f.eax};
    bool changed = false;
    if (!ipc::exception(words, &changed)) {
        ipc::halt_current(name_of(f.vector), f.eip);
        return;
    }
    if (!changed) return;
    f.eip = words[0];
    arch::set_user_flags(reinterpret_cast<arch::UserFrame*>(&f), words[1]);
    f.edi = words[4];
    f.esi = words[5];
    f.ebp = words[6];
    f.user_esp = words[7];
    f.ebx = words[8];
    f.edx = words[9];
    f.ecx = words[10];
    f.eax = words[11];
}

}  // namespace

void handle_user_exception(TrapFrame& f) {
    switch (f.vector) {
    case kVectorPageFault: {
        uint32_t address = read_cr2();
        api::Rights access = (f.error_code & 2) ? api::Rights::Write : api::Rights::Read;
        if (address == f.eip) access = access | api::Rights::Execute;
        (void)ipc::page_fault(address, f.eip, access);
        return;
    }
    case kVectorInvalidOpcode:
        if (is_lock_nop(f)) {
            syscall::KernelInterface k = syscall::kernel_interface();
            f.eax = k.kip_address;
            f.ecx = k.api_version;
            f.edx = k.api_flags;
            f.esi = k.kernel_id;
            f.eip += 2;
            return;
        }
        break;
    case kVectorBreakpoint: {
        bool stop = false;
        f.eax = kdebug::handle_breakpoint(f.eip, f.eax, f.ecx, &stop);
        return;
    }
    case kVectorGeneralProtection: {
        uint32_t port;
        unsigned log2_width;
        if (f.error_code == 0 && decode_port_access(f, &port, &log2_width)) {
            (void)ipc::io_fault(port, log2_width, f.eip);
            return;
        }
        break;
    }
    default: break;
    }
    exception_ipc(f);
}

}  // namespace ia32
