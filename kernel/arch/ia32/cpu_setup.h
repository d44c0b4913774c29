// cpu_setup.h: per-CPU set-up steps shared by the boot CPU (init.cc) and the
// secondary CPUs (smp_boot.cc).
#pragma once

#include "arch/ia32/gdt.h"
#include "lib/per_cpu.h"

namespace ia32 {

/// Every CPU's GDT (with its TSS and CpuLocal block).
PerCpu<Gdt>& gdts();

/// Starts the calling CPU's periodic local APIC timer at arch::kTimerHz.
void start_cpu_timer();

}  // namespace ia32
