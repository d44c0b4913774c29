// smp_boot.cc: starting the secondary CPUs (application processors, APs).
//
// For each CPU of the topology other than ourselves, one at a time:
//  (1) allocate its kernel stack and fill the trampoline's parameter block
//      (page directory, stack, entry point);
//  (2) INIT IPI, wait 10 ms, STARTUP IPI with vector 0x08 (code at 0x8000),
//      wait 200 us, and a second STARTUP if the CPU has not answered yet
//      (Intel SDM vol. 3, 8.4.4.1, "universal startup algorithm");
//  (3) the AP runs ap_trampoline.S, then ap_entry() below: its own GDT, the
//      IDT, its local APIC and timer, and reports in through smp::mark_online;
//  (4) we wait for the report, up to kStartTimeoutUs, before the next CPU.
// Delays come from the calibrated TSC (arch::delay_us).
#include "arch/arch.h"
#include "arch/boot.h"
#include "arch/ia32/cpu_setup.h"
#include "arch/ia32/idt.h"
#include "arch/ia32/layout.h"
#include "arch/ia32/lapic.h"
#include "arch/ia32/mm/paging.h"
#include "arch/ia32/trap.h"
#include "lib/console.h"
#include "lib/per_cpu.h"
#include "lib/string.h"
#include "mm/frame_allocator.h"
#include "smp/online.h"

extern "C" char ap_trampoline[], ap_trampoline_end[];
extern "C" uint32_t ap_trampoline_cr3, ap_trampoline_stack, ap_trampoline_entry;

namespace ia32 {
namespace {

constexpr uint64_t kStartTimeoutUs = 5'000'000;  // generous: the host may be busy
constexpr unsigned kStackPages = KERNEL_STACK_SIZE / 4096;

struct ApStart {
    unsigned cpu;
    uint32_t apic_id;
    uintptr_t stack_top;
};
ApStart g_ap_start;  // written by the boot CPU before each start, read by the AP

uint32_t* trampoline_slot(uint32_t* symbol) {
    uintptr_t offset = uintptr_t(symbol) - uintptr_t(ap_trampoline);
    return static_cast<uint32_t*>(mm::phys_to_virt(AP_TRAMPOLINE_PHYS + offset));
}

[[noreturn]] void ap_entry() {
    const ApStart& me = g_ap_start;
    gdts().on(me.cpu).install(me.cpu, me.apic_id, me.stack_top);
    load_idt();
    lapic().init_cpu();
    start_cpu_timer();
    smp::mark_online(me.cpu);
    smp_secondary_main();
}

bool start_one(unsigned cpu, uint32_t apic_id) {
    // (1)
    uint64_t stack = mm::frames().try_allocate(kStackPages);
    if (stack == 0) {
        kprintf("smp: no memory for cpu %u's stack\n", cpu);
        return false;
    }
    g_ap_start = {cpu, apic_id, uintptr_t(mm::phys_to_virt(stack)) + KERNEL_STACK_SIZE};
    memcpy(mm::phys_to_virt(AP_TRAMPOLINE_PHYS), ap_trampoline, size_t(ap_trampoline_end - ap_trampoline));
    *trampoline_slot(&ap_trampoline_cr3) = kernel_page_directory_phys();
    *trampoline_slot(&ap_trampoline_stack) = uint32_t(g_ap_start.stack_top);
    *trampoline_slot(&ap_trampoline_entry) = uint32_t(uintptr_t(&ap_entry));
    arch::memory_barrier();

    // (2)
    constexpr uint8_t kStartupVector = AP_TRAMPOLINE_PHYS >> 12;
    lapic().send_init(apic_id);
    arch::delay_us(10'000);
    for (int attempt = 0; attempt < 2 && !smp::cpu_online(cpu); ++attempt) {
        lapic().send_startup(apic_id, kStartupVector);
        arch::delay_us(200);
    }
    // (4)
    uint64_t hz = arch::cycles_per_second();
    uint64_t deadline = arch::cycles() + kStartTimeoutUs * (hz / 1'000'000);
    while (!smp::cpu_online(cpu) && arch::cycles() < deadline) arch::cpu_relax();
    if (!smp::cpu_online(cpu)) {
        kprintf("smp: cpu %u (apic id %u) did not start\n", cpu, apic_id);
        mm::frames().free(stack, kStackPages);
        return false;
    }
    return true;
}

}  // namespace
}  // namespace ia32

namespace arch {

unsigned start_secondary_cpus(const platform::Topology& topology) {
    unsigned self = cpu_index();
    for (unsigned cpu = 0; cpu < topology.num_cpus; ++cpu) {
        if (cpu != self) ia32::start_one(cpu, topology.cpus[cpu].apic_id);
    }
    return smp::online_count();
}

}  // namespace arch
