// per_cpu.h: PerCpu<T>, one T for each CPU, visible in the type.
//
//   PerCpu<Stats> stats;
//   stats.current().ticks++;        // my own slot: no lock needed
//   stats.on(cpu).ticks             // another CPU's slot: looks different on purpose
//
// Each slot sits on its own cache line so CPUs updating their own slots never
// share a line (no false sharing). current() asks the architecture which CPU we
// are on (arch::cpu_index(), an FS-relative load on IA32).
#pragma once

#include "arch/arch.h"
#include "platform/topology.h"

template <typename T>
class PerCpu {
public:
    T& current() { return m_slots[arch::cpu_index()].value; }
    const T& current() const { return m_slots[arch::cpu_index()].value; }
    T& on(unsigned cpu) { return m_slots[cpu].value; }
    const T& on(unsigned cpu) const { return m_slots[cpu].value; }

private:
    struct alignas(64) Slot {
        T value;
    };
    Slot m_slots[platform::kMaxCpus];
};
