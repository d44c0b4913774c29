// test_smp.cc: self-tests for CPU bring-up and cross-CPU calls (smp/).
#include "arch/arch.h"
#include "platform/machine.h"
#include "smp/cross_call.h"
#include "smp/online.h"
#include "test/ktest.h"

namespace {

unsigned g_ran_on[platform::kMaxCpus];

}  // namespace

KTEST(smp_all_online, "smp.all_cpus_online") {
    const auto& topo = platform::machine_topology();
    t.check(smp::online_count() == topo.num_cpus, "%u of %u cpus online", smp::online_count(), topo.num_cpus);
    for (unsigned cpu = 0; cpu < topo.num_cpus; ++cpu) t.check(smp::cpu_online(cpu), "cpu %u is not online", cpu);
}

KTEST(smp_apic_ids, "smp.apic_ids_match_topology") {
    // Each CPU reads its own APIC id from hardware; it must be the MADT's id
    // for the logical number that CPU believes it has.
    const auto& topo = platform::machine_topology();
    static uint32_t seen[platform::kMaxCpus];
    smp::call_on_all([](void*) { seen[arch::cpu_index()] = arch::hardware_cpu_id(); }, nullptr, smp::Wait::Yes);
    for (unsigned cpu = 0; cpu < topo.num_cpus; ++cpu)
        t.check(seen[cpu] == topo.cpus[cpu].apic_id, "cpu %u has apic id %u, the MADT says %u", cpu, seen[cpu],
                topo.cpus[cpu].apic_id);
}

KTEST(xcall_one, "xcall.one_cpu") {
    const auto& topo = platform::machine_topology();
    for (unsigned cpu = 0; cpu < topo.num_cpus; ++cpu) {
        g_ran_on[cpu] = ~0u;
        bool ok = smp::call_on(cpu, [](void* slot) { *static_cast<unsigned*>(slot) = arch::cpu_index(); },
                               &g_ran_on[cpu], smp::Wait::Yes);
        t.check(ok, "call_on(%u) refused", cpu);
        t.check(g_ran_on[cpu] == cpu, "function for cpu %u ran on cpu %u", cpu, g_ran_on[cpu]);
    }
    t.check(!smp::call_on(platform::kMaxCpus - 1, [](void*) {}, nullptr, smp::Wait::Yes) ||
                platform::machine_topology().num_cpus == platform::kMaxCpus,
            "call_on accepted a cpu that is not online");
}

KTEST(xcall_all, "xcall.all_cpus_wait") {
    static unsigned count;
    count = 0;
    for (int round = 0; round < 100; ++round)
        smp::call_on_all([](void*) { __atomic_fetch_add(&count, 1, __ATOMIC_RELAXED); }, nullptr, smp::Wait::Yes);
    t.check(count == 100 * smp::online_count(), "counted %u calls, expected %u", count, 100 * smp::online_count());
}

KTEST(xcall_async, "xcall.no_wait") {
    static unsigned count;
    count = 0;
    constexpr unsigned kRounds = 200;
    for (unsigned i = 0; i < kRounds; ++i)
        smp::call_on_all([](void*) { __atomic_fetch_add(&count, 1, __ATOMIC_RELAXED); }, nullptr, smp::Wait::No);
    // The calls are queued; they complete on their own, soon. Bound the wait
    // generously in time (the host may be loaded), but it is not a timing test.
    uint64_t deadline = arch::cycles() + 20 * arch::cycles_per_second();
    unsigned expected = kRounds * smp::online_count();
    while (__atomic_load_n(&count, __ATOMIC_RELAXED) != expected && arch::cycles() < deadline) arch::cpu_relax();
    t.check(count == expected, "%u of %u asynchronous calls ran", count, expected);
}

KTEST(xcall_storm, "xcall.all_cpus_call_each_other") {
    // Every CPU at once sends waited calls to every other CPU, with interrupts
    // off while it waits: only the poll-while-waiting rule keeps this from
    // deadlocking. Each CPU counts what it received.
    static unsigned received[platform::kMaxCpus];
    static unsigned finished;
    constexpr unsigned kRounds = 50;
    const unsigned n = platform::machine_topology().num_cpus;
    for (unsigned cpu = 0; cpu < n; ++cpu) received[cpu] = 0;
    finished = 0;
    auto blast = [](void*) {
        unsigned self = arch::cpu_index();
        unsigned total = platform::machine_topology().num_cpus;
        for (unsigned round = 0; round < kRounds; ++round)
            for (unsigned target = 0; target < total; ++target)
                if (target != self)
                    smp::call_on(target, [](void*) { __atomic_fetch_add(&received[arch::cpu_index()], 1, __ATOMIC_RELAXED); },
                                 nullptr, smp::Wait::Yes);
        __atomic_fetch_add(&finished, 1, __ATOMIC_RELEASE);
    };
    smp::call_on_all(blast, nullptr, smp::Wait::No);
    uint64_t deadline = arch::cycles() + 60 * arch::cycles_per_second();
    smp::serve_calls_until([] { return __atomic_load_n(&finished, __ATOMIC_ACQUIRE) == smp::online_count(); }, deadline);
    t.check(finished == smp::online_count(), "only %u of %u cpus finished (deadlock?)", finished, smp::online_count());
    for (unsigned cpu = 0; cpu < n; ++cpu)
        t.check(received[cpu] == kRounds * (n - 1), "cpu %u received %u calls, expected %u", cpu, received[cpu],
                kRounds * (n - 1));
}
