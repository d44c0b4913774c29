// boot.h: the architecture's part of bringing the machine up, in boot order.
//
// kernel_main() (main.cc) calls these on the boot CPU; each secondary CPU runs
// its own part from the AP entry path and then calls smp_secondary_main().
#pragma once

#include <stdint.h>

#include "platform/topology.h"

namespace arch {

/// (1) Boot CPU, first thing: its GDT, IDT and FS-based CPU number (0 until
///     the topology says otherwise).
void early_init();

/// With the boot options, before the KIP is built: whether the Ipc and Lipc
/// system calls enter the IPC fast path (ipc/fast_path.h) first, or go straight
/// to the general path, and whether the Ipc stub may use the CPU's fast
/// system-call instruction (IA32: sysenter).
void choose_ipc_entries(bool fast_path, bool fast_instruction);

/// The KIP's stub for system call `index` (the KIP's order, SpaceControl
/// first) at `at`, at most 16 bytes: it enters the kernel the way
/// choose_ipc_entries chose and returns to the stub's caller.
void write_syscall_stub(unsigned index, uint8_t* at);

/// True when choose_ipc_entries chose the fast instruction for the Ipc stub.
bool fast_syscall_instruction_in_use();

/// (2) After the frame allocator exists: the kernel image's code, read-only data
///     and symbol table write-protected, and the device mapping window (arch/mmu.h).
void init_memory();

/// (3) With the topology: renumber the boot CPU, program its local APIC,
///     mask the legacy PICs, calibrate the clocks, start the timer.
void init_interrupts(const platform::Topology& topology);

/// (4) Starts every other enabled CPU of the topology (INIT-SIPI-SIPI) and
///     waits for each to report in. Returns the number of CPUs online.
unsigned start_secondary_cpus(const platform::Topology& topology);

/// (5) All CPUs are up: remove the identity mapping of low memory that the
///     boot code and the AP trampoline needed, on every CPU.
void finish_boot();

/// Timer interrupts seen by `cpu` since it started its timer.
uint64_t timer_ticks(unsigned cpu);

/// The timer frequency every CPU runs at.
inline constexpr unsigned kTimerHz = 100;

}  // namespace arch

/// Where each secondary CPU goes once its architecture state is set up (smp/).
[[noreturn]] void smp_secondary_main();
