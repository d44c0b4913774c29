// cpu.cc: the IA32 implementation of arch/arch.h's processor primitives.
//
// The ones the IPC and switch paths call are one or two instructions; marked
// always_inline, the release build's link-time optimisation puts them into
// their callers in every file, whatever the inliner thinks of the caller's size.
#include "arch/arch.h"
#include "arch/ia32/cpu.h"
#include "arch/ia32/lapic.h"
#include "arch/port_io.h"
#include "lib/panic.h"

namespace arch {

[[gnu::always_inline]] unsigned cpu_index() {
    unsigned index;
    asm volatile("movl %%fs:0, %0" : "=r"(index));  // CpuLocal::index, see gdt.h
    return index;
}

[[gnu::always_inline]] void cpu_relax() { asm volatile("pause" ::: "memory"); }

[[gnu::always_inline]] bool interrupts_enabled() { return ia32::read_eflags() & ia32::kEflagsInterrupt; }
[[gnu::always_inline]] void enable_interrupts() { asm volatile("sti" ::: "memory"); }
[[gnu::always_inline]] void disable_interrupts() { asm volatile("cli" ::: "memory"); }

// PROXIMA_DEBUG_BUILD is 1 in the debug build (the Makefile's DEBUG=1), else 0.
[[gnu::always_inline]] void check_interrupts_off() {
    if (PROXIMA_DEBUG_BUILD && interrupts_enabled()) panic("interrupts are on where the kernel needs them off");
}

// STI delays interrupt recognition by one instruction, so no interrupt can slip
// in between it and HLT and be missed.
void wait_for_interrupt() { asm volatile("sti; hlt" ::: "memory"); }

void halt_forever() {
    for (;;) asm volatile("cli; hlt");
}

void memory_barrier() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

[[gnu::always_inline]] void copy_words(uint32_t* to, const uint32_t* from, size_t count) {
    asm volatile("rep movsl" : "+D"(to), "+S"(from), "+c"(count) : : "memory");
}

[[gnu::always_inline]] uint64_t cycles() { return ia32::rdtsc(); }

void delay_us(uint64_t us) {
    uint64_t hz = cycles_per_second();
    if (hz == 0) hz = 1000000000;  // before calibration: assume 1 GHz (only early code, errs long)
    uint64_t end = ia32::rdtsc() + us * (hz / 1000000);
    while (ia32::rdtsc() < end) cpu_relax();
}

void flush_tlb_page(uintptr_t vaddr) { ia32::invlpg(vaddr); }
void flush_tlb_all() { ia32::write_cr3(ia32::read_cr3()); }

void send_cross_call_ipi(unsigned cpu) { ia32::lapic().send_cross_call(cpu); }
void stop_other_cpus() { ia32::lapic().send_nmi_to_others(); }
uint32_t hardware_cpu_id() { return ia32::lapic().id(); }

void port_out8(uint16_t port, uint8_t value) { ia32::outb(port, value); }
uint8_t port_in8(uint16_t port) { return ia32::inb(port); }

}  // namespace arch
