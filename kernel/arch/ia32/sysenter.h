// sysenter.h: the Ipc system call by `sysenter` (Intel SDM vol. 2, SYSENTER).
//
// `int $0x34` makes the CPU look the gate up in the IDT, check privileges,
// switch stacks through the TSS and push five words; `sysenter` does none of
// that: it loads CS, EIP and ESP from three model-specific registers and
// clears IF. It is the fast way into the kernel on every IA32 CPU since the
// Pentium II (and, under QEMU, a helper call instead of an exception), but it
// saves nothing, so the caller must hand over where to return to. The KIP's
// Ipc stub (boot/kip_page.cc) does:
//
//     movl (%esp), %ebx       the caller's return address: the user EIP
//     leal 4(%esp), %ebp      the caller's ESP once returned: the user ESP
//     sysenter
//
// EBX and EBP are free: the Ipc returns MR1 and MR2 in them (X.2 IA32), and the
// caller saved EBP. The kernel (syscall/ipc_fast.S, sysenter_entry) builds the
// same TrapFrame `int` leaves, as if the stub had returned, so everything after
// the entry (the fast path, the general path, ExchangeRegisters, the return by
// `iret`) cannot tell the two apart. Lipc and the other system calls keep
// `int`: sysenter has one entry point, and they are rare.
//
// The MSRs are per CPU: IA32_SYSENTER_ESP points at the CPU's own TSS, whose
// first word (0) the entry pops as its EFLAGS and whose ESP0 it loads next
// (gdt.h). Off when the CPU lacks SEP (CPUID) or
// the kernel was booted with sysenter=off; then the Ipc stub is `int` too.
//
// What an interrupt gate does and sysenter does not, the kernel does itself:
// it clears the user's NT flag (with it set, the kernel's `iret` would try a
// task switch) by setting its EFLAGS whole (from the TSS's link word), and a user TF, which traps right
// after `sysenter` while ESP is still the TSS, is cleared by trap_entry.S's
// debug_entry. l4.ipc.sysenter tries both.
#pragma once

#include <stdint.h>

namespace ia32 {

/// Decides, once on the boot CPU before the KIP is built and before any other
/// CPU starts: sysenter if `wanted` and the CPU has it, entering the fast path
/// (syscall/ipc_fast.S) if `fast_path`, else the general path. Loads the boot
/// CPU's MSRs.
void choose_sysenter(bool wanted, bool fast_path);

/// True when the Ipc stub enters by sysenter (choose_sysenter).
bool sysenter_in_use();

/// Loads this CPU's three SYSENTER MSRs for a TSS at `stack_top` (its Gdt's
/// sysenter_stack_top()); nothing when sysenter is not in use. Gdt::install
/// calls it.
void load_sysenter(uintptr_t stack_top);

}  // namespace ia32
