// arch.h: what generic kernel code may ask of the processor architecture.
//
// Generic code (smp/, mm/, lib/, test/) includes only this header; the IA32
// implementation lives in arch/ia32/. A port to another architecture provides
// these functions in its own directory. Each function states its contract.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace arch {

/// The logical number of the CPU executing this code (its position in the
/// MADT; the boot CPU is normally 0). Valid from arch::init_cpu() on; the kernel does not migrate a
/// running kernel path between CPUs, so the value stays true until return.
unsigned cpu_index();

/// Spin-wait hint to the CPU (PAUSE on x86); call it in every busy loop.
void cpu_relax();

/// Interrupt state of the current CPU.
bool interrupts_enabled();
void enable_interrupts();
void disable_interrupts();

/// For code that relies on running with interrupts off (the kernel runs with
/// them off except in the idle wait: thread/scheduler.h): the debug build
/// (DEBUG=1) panics if they are on; the release build does nothing.
void check_interrupts_off();

/// Enables interrupts and waits for one, atomically (no wake-up is lost).
void wait_for_interrupt();

/// Stops this CPU for good, interrupts off.
[[noreturn]] void halt_forever();

/// Full memory barrier (orders loads and stores against other CPUs).
void memory_barrier();

/// Copies `count` 32-bit words (IA32: one `rep movsl`, which QEMU's icount
/// counts as one instruction per word, like the hardware's cost).
void copy_words(uint32_t* to, const uint32_t* from, size_t count);

/// A free-running cycle counter, comparable across CPUs only roughly.
uint64_t cycles();

/// Cycle-counter frequency, measured at boot against the PIT (0 before).
uint64_t cycles_per_second();

/// Busy-waits at least `us` microseconds, using the calibrated cycle counter.
void delay_us(uint64_t us);

/// Invalidates this CPU's TLB entry for one kernel virtual address, or all
/// non-global entries.
void flush_tlb_page(uintptr_t vaddr);
void flush_tlb_all();

/// Raises the cross-CPU call interrupt on `cpu` (see smp/cross_call.h).
void send_cross_call_ipi(unsigned cpu);

/// Sends a non-maskable interrupt to every other CPU, used by panic() to stop them.
void stop_other_cpus();

/// The local APIC id of the current CPU as the hardware reports it.
uint32_t hardware_cpu_id();

/// Interrupt-disabling guard: restores the previous state when it goes out of scope.
class InterruptsOff {
public:
    InterruptsOff() : m_were_enabled(interrupts_enabled()) { disable_interrupts(); }
    ~InterruptsOff() {
        if (m_were_enabled) enable_interrupts();
    }
    InterruptsOff(const InterruptsOff&) = delete;
    InterruptsOff& operator=(const InterruptsOff&) = delete;

private:
    bool m_were_enabled;
};

}  // namespace arch
