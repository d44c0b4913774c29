// test_timer.cc: every CPU's local APIC timer is ticking.
#include "arch/arch.h"
#include "arch/boot.h"
#include "platform/machine.h"
#include "smp/online.h"
#include "test/ktest.h"

KTEST(timer_ticks, "timer.ticks_on_every_cpu") {
    const unsigned n = platform::machine_topology().num_cpus;
    uint64_t start[platform::kMaxCpus];
    for (unsigned cpu = 0; cpu < n; ++cpu) start[cpu] = arch::timer_ticks(cpu);
    // Wait until each online CPU has seen 3 more ticks (30 ms at 100 Hz). The
    // 30-second bound only catches a dead timer; it is not a speed check.
    uint64_t deadline = arch::cycles() + 30 * arch::cycles_per_second();
    bool all = false;
    while (!all && arch::cycles() < deadline) {
        all = true;
        for (unsigned cpu = 0; cpu < n; ++cpu)
            if (smp::cpu_online(cpu) && arch::timer_ticks(cpu) < start[cpu] + 3) all = false;
        arch::cpu_relax();
    }
    for (unsigned cpu = 0; cpu < n; ++cpu)
        t.check(arch::timer_ticks(cpu) >= start[cpu] + 3, "cpu %u: timer went from %llu to %llu ticks", cpu,
                (unsigned long long)start[cpu], (unsigned long long)arch::timer_ticks(cpu));
}

KTEST(timer_rate, "timer.rate_matches_tsc") {
    // Over one second of TSC time the boot CPU's tick count should advance by
    // about kTimerHz. Both clocks were calibrated against the PIT, so a gross
    // mismatch means a calibration bug. The bounds are wide on purpose: an
    // emulator that is scheduled away merges missed timer periods into one
    // interrupt (fewer ticks), but can never deliver more than the timer fired.
    uint64_t hz = arch::cycles_per_second();
    uint64_t t0 = arch::timer_ticks(arch::cpu_index());
    uint64_t c0 = arch::cycles();
    while (arch::cycles() - c0 < hz) arch::cpu_relax();
    uint64_t ticks = arch::timer_ticks(arch::cpu_index()) - t0;
    uint64_t expected = arch::kTimerHz;
    t.check(ticks >= expected / 10 && ticks <= expected * 2, "%llu ticks in 1 s of TSC time, expected about %llu",
            (unsigned long long)ticks, (unsigned long long)expected);
}
