// init.cc: the IA32 boot steps of arch/boot.h, and the per-CPU timer.
#include "arch/arch.h"
#include "arch/boot.h"
#include "arch/ia32/cpu_setup.h"
#include "arch/ia32/idt.h"
#include "arch/ia32/layout.h"
#include "arch/ia32/lapic.h"
#include "arch/ia32/mm/paging.h"
#include "arch/ia32/pit.h"
#include "arch/ia32/sysenter.h"
#include "arch/ia32/trap.h"
#include "lib/console.h"
#include "lib/per_cpu.h"
#include "lib/panic.h"
#include "smp/cross_call.h"
#include "smp/online.h"
#include "thread/scheduler.h"

extern "C" char boot_stack_top[];

namespace ia32 {
namespace {

PerCpu<Gdt> g_gdts;
PerCpu<uint32_t> g_ticks;  // 32 bits: atomic on IA32 without cmpxchg8b; wraps after 497 days at 100 Hz

void on_timer(TrapFrame&) {
    __atomic_fetch_add(&g_ticks.current(), 1, __ATOMIC_RELAXED);
    thread::on_timer_tick();
}
void on_cross_call(TrapFrame&) { smp::handle_cross_calls(); }

}  // namespace

PerCpu<Gdt>& gdts() { return g_gdts; }

void start_cpu_timer() { lapic().start_timer(arch::kTimerHz, kVectorTimer); }

}  // namespace ia32

namespace arch {

void early_init() {
    ia32::build_idt();
    ia32::load_idt();
    ia32::g_gdts.on(0).install(0, 0, uintptr_t(boot_stack_top));
}

void choose_ipc_entries(bool fast_path, bool fast_instruction) {
    ia32::route_ipc_vectors(fast_path);
    ia32::choose_sysenter(fast_instruction, fast_path);
    kprintf("ipc: fast path %s; the Ipc stub enters by %s\n", fast_path ? "on" : "off (fastpath=off)",
            ia32::sysenter_in_use() ? "sysenter" : fast_instruction ? "int (no sysenter on this CPU)" : "int (sysenter=off)");
}

void init_interrupts(const platform::Topology& topology) {
    ia32::disable_legacy_pic(ia32::kVectorPicBase);
    ia32::lapic().init_mapping(topology);
    // The boot CPU's logical number is its position in the MADT (normally 0).
    uint32_t my_apic_id = ia32::lapic().id();
    unsigned me = 0;
    for (unsigned i = 0; i < topology.num_cpus; ++i)
        if (topology.cpus[i].apic_id == my_apic_id) me = i;
    if (me != 0) ia32::g_gdts.on(me).install(me, my_apic_id, uintptr_t(boot_stack_top));
    ia32::lapic().init_cpu();
    ia32::lapic().calibrate();
    kprintf("clock: tsc %llu kHz, apic timer at %u Hz on every cpu\n",
            (unsigned long long)(ia32::lapic().tsc_hz() / 1000), kTimerHz);
    ia32::set_interrupt_handler(ia32::kVectorTimer, ia32::on_timer);
    ia32::set_interrupt_handler(ia32::kVectorCrossCall, ia32::on_cross_call);
    ia32::start_cpu_timer();
    smp::mark_online(me);
    enable_interrupts();
}

void finish_boot() {
    ia32::drop_identity_map();
    smp::call_on_all([](void*) { flush_tlb_all(); }, nullptr, smp::Wait::Yes);
}

uint64_t timer_ticks(unsigned cpu) { return __atomic_load_n(&ia32::g_ticks.on(cpu), __ATOMIC_RELAXED); }

}  // namespace arch
