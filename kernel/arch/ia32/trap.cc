// trap.cc: where every interrupt and exception lands (from trap_entry.S).
//
// Exceptions in the kernel are kernel bugs: they print the frame, the control
// registers and a backtrace, then stop the machine like panic() does (except a
// fault while reading user memory for the kernel, user_access.S). A write to
// the kernel's own write-protected code or read-only data (mm/paging.cc) says
// so in its PANIC line and names the section. Exceptions in user mode go to
// syscall/user_faults.cc, system-call vectors to syscall/syscall_abi.cc.
// Device interrupts and IPIs go to the handler installed for their vector.
// Every trap from user mode leaves through the scheduler's safe point
// (thread::kernel_exit, declared in arch/user.h), which may switch to
// another thread.
#include "arch/ia32/trap.h"

#include "arch/arch.h"
#include "arch/ia32/cpu.h"
#include "arch/ia32/lapic.h"
#include "arch/ia32/layout.h"
#include "lib/console.h"
#include "lib/ksyms.h"
#include "arch/user.h"
#include "lib/panic.h"

// The parts of the kernel image that arch/ia32/mm/paging.cc maps read-only (kernel.ld).
extern "C" char _kernel_start[], _rodata_start[], _rodata_end[], _ksyms_start[], _kernel_end[];
extern "C" char _init_array_start[], _init_array_end[], _ktests_start[], _ktests_end[];
extern "C" char _trampoline_image_start[], _trampoline_image_end[];

static_assert(offsetof(ia32::TrapFrame, cs) == FRAME_CS);  // layout.h, for trap_entry.S

namespace ia32 {
namespace {

InterruptHandler g_handlers[256];

constexpr uint8_t kVectorNmi = 2;
constexpr uint8_t kVectorPageFault = 14;

const char* exception_name(uint32_t vector) {
    static const char* const kNames[] = {
        "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound range",
        "#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor overrun",
        "#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection",
        "#PF page fault", "reserved", "#MF x87 error", "#AC alignment check", "#MC machine check",
        "#XM SIMD error", "#VE virtualization", "#CP control protection"};
    return vector < sizeof(kNames) / sizeof(kNames[0]) ? kNames[vector] : "reserved exception";
}

// The write-protected part of the kernel image that `addr` lies in, or nullptr.
const char* read_only_section(uintptr_t addr) {
    auto in = [addr](const char* start, const char* end) { return addr >= uintptr_t(start) && addr < uintptr_t(end); };
    if (in(_kernel_start, _rodata_start)) return "code (.text)";
    if (in(_ktests_start, _ktests_end)) return "self-test table (.ktests in .rodata)";
    if (in(_init_array_start, _init_array_end)) return "constructor table (.init_array in .rodata)";
    if (in(_trampoline_image_start, _trampoline_image_end)) return "AP trampoline image (.trampoline in .rodata)";
    if (in(_rodata_start, _rodata_end)) return "read-only data (.rodata)";
    if (in(_ksyms_start, _kernel_end)) return "symbol table (.ksyms)";
    return nullptr;
}

void describe_page_fault(uint32_t error) {
    // Page-fault error code: bit 0 present (protection violation), 1 write, 2 user mode, 4 instruction fetch.
    kprintf("page fault: %s %s in %s mode%s\n", (error & 1) ? "protection violation on" : "no page for",
            (error & 2) ? "write" : ((error & 16) ? "instruction fetch" : "read"), (error & 4) ? "user" : "kernel",
            (error & 8) ? " (reserved bit set)" : "");
}

[[noreturn]] void fatal_exception(TrapFrame& frame) {
    arch::disable_interrupts();
    console::break_lock();
    // A write by kernel code (error code: present, write, not user) to the
    // write-protected kernel image (CR0.WP makes R/W count in kernel mode).
    const char* section = nullptr;
    if (frame.vector == kVectorPageFault && (frame.error_code & 7) == 3) section = read_only_section(read_cr2());
    if (section != nullptr)
        kprintf("PANIC cpu=%u: #PF page fault at eip=%08x: the kernel wrote to its own read-only %s at %08x\n",
                arch::cpu_index(), frame.eip, section, read_cr2());
    else
        kprintf("PANIC cpu=%u: unhandled exception %s (vector %u) at eip=%08x\n", arch::cpu_index(),
                exception_name(frame.vector), frame.vector, frame.eip);
    if (frame.vector == kVectorPageFault) describe_page_fault(frame.error_code);
    dump_trap_frame(frame);
    panic_stop();
}

}  // namespace

void set_interrupt_handler(uint8_t vector, InterruptHandler handler) { g_handlers[vector] = handler; }

void dump_trap_frame(const TrapFrame& f) {
    kprintf("eax=%08x ebx=%08x ecx=%08x edx=%08x\n", f.eax, f.ebx, f.ecx, f.edx);
    kprintf("esi=%08x edi=%08x ebp=%08x esp=%08x\n", f.esi, f.edi, f.ebp,
            f.from_user() ? f.user_esp : uint32_t(uintptr_t(&f.user_esp)));
    kprintf("eip=%08x cs=%04x eflags=%08x error=%08x\n", f.eip, f.cs, f.eflags, f.error_code);
    kprintf("cr0=%08x cr2=%08x cr3=%08x cr4=%08x\n", read_cr0(), read_cr2(), read_cr3(), read_cr4());
    kprintf("faulting instruction:\n");
    ksyms::print_address(f.eip);
    print_backtrace(f.ebp);
}

}  // namespace ia32

extern "C" char user_read_fault_ip[];
extern "C" char user_read_fixup[];

extern "C" void handle_trap(ia32::TrapFrame* frame) {
    using namespace ia32;
    uint32_t vector = frame->vector;
    if (vector == kVectorNmi && panic_in_progress()) arch::halt_forever();  // another CPU panicked
    bool from_user = frame->from_user() && thread::scheduling();
    if (vector < 32) {
        if (from_user) {
            handle_user_exception(*frame);
            thread::kernel_exit();
            return;
        }
        // The kernel reading user memory that is not there (user_access.S).
        if (vector == kVectorPageFault && frame->eip == uint32_t(uintptr_t(user_read_fault_ip))) {
            frame->eip = uint32_t(uintptr_t(user_read_fixup));
            return;
        }
        fatal_exception(*frame);
    }
    if (vector >= VECTOR_SYSCALL_FIRST && vector < VECTOR_SYSCALL_FIRST + VECTOR_SYSCALL_COUNT && from_user) {
        handle_syscall(*frame);
        thread::kernel_exit();
        return;
    }
    if (vector == kVectorSpurious) return;  // no EOI for the APIC's spurious vector
    if (vector >= kVectorPicBase && vector < kVectorPicBase + 16) return;  // masked PIC's spurious IRQ
    InterruptHandler handler = g_handlers[vector];
    if (handler == nullptr) panic("interrupt on vector %u with no handler", vector);
    handler(*frame);
    lapic().eoi();
    if (from_user) thread::kernel_exit();
}
