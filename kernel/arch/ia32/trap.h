// trap.h: the saved state of an interrupted context, and interrupt dispatch.
#pragma once

#include <stdint.h>

namespace ia32 {

/// What trap_entry.S leaves on the stack, lowest address first.
struct TrapFrame {
    // No segment registers: the kernel loads its own and gives user mode
    // fixed ones back (save_frame.h).
    uint32_t edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax;  // pushal order
    uint32_t vector, error_code;
    uint32_t eip, cs, eflags;
    uint32_t user_esp, user_ss;  // present only when the trap came from ring 3

    bool from_user() const { return (cs & 3) == 3; }
};
static_assert(sizeof(TrapFrame) == 15 * 4, "trap_entry.S pushes 8 registers and 2 words; the CPU 3 or 5");

/// Interrupt vectors the kernel uses. 0..31 are CPU exceptions; the legacy
/// 8259 PICs are moved to 0x20..0x2F and masked (only their spurious
/// interrupts can still arrive).
inline constexpr uint8_t kVectorPicBase = 0x20;
inline constexpr uint8_t kVectorTimer = 0x40;
inline constexpr uint8_t kVectorCrossCall = 0x41;
inline constexpr uint8_t kVectorSpurious = 0xFF;

using InterruptHandler = void (*)(TrapFrame&);

/// Installs the handler for a device or IPI vector (>= 0x20). The dispatcher
/// acknowledges the local APIC after the handler returns.
void set_interrupt_handler(uint8_t vector, InterruptHandler handler);

/// A CPU exception raised in user mode (user_faults.cc).
void handle_user_exception(TrapFrame& frame);

/// A system call (vectors VECTOR_SYSCALL_FIRST...; syscall_abi.cc).
void handle_syscall(TrapFrame& frame);

/// Prints the frame, control registers and a symbolic backtrace to the console.
void dump_trap_frame(const TrapFrame& frame);

}  // namespace ia32

/// Where every trap lands (trap_entry.S): exceptions, interrupts, system calls.
extern "C" void handle_trap(ia32::TrapFrame* frame);
