// test_tlb.cc: a TLB shootdown with cross-CPU calls.
//
// Every CPU reads a word through one window page, so each caches the
// translation. The boot CPU then points the page at another frame. Without a
// shootdown the other CPUs may still read the old frame; after one
// (call_on_all + invlpg) every CPU must read the new value.
#include "arch/arch.h"
#include "arch/mmu.h"
#include "mm/frame_allocator.h"
#include "platform/machine.h"
#include "smp/cross_call.h"
#include "smp/online.h"
#include "test/ktest.h"

namespace {

volatile uint32_t* g_window;
uint32_t g_seen[platform::kMaxCpus];

void read_window(void*) { g_seen[arch::cpu_index()] = *g_window; }
void flush_window(void*) { arch::flush_tlb_page(uintptr_t(g_window)); }

}  // namespace

KTEST(tlb_shootdown, "tlb.shootdown") {
    uint64_t a = mm::frames().try_allocate(1);
    uint64_t b = mm::frames().try_allocate(1);
    if (!t.check(a != 0 && b != 0, "out of memory")) return;
    *static_cast<volatile uint32_t*>(mm::phys_to_virt(a)) = 0xAAAA0001;
    *static_cast<volatile uint32_t*>(mm::phys_to_virt(b)) = 0xBBBB0002;
    // A window page of our own: the frame is fresh, so map_physical cannot
    // hand back a page that someone else mapped before.
    g_window = static_cast<volatile uint32_t*>(arch::map_physical(a, 4));
    if (!t.check(g_window != nullptr, "map_physical failed")) return;

    smp::call_on_all(read_window, nullptr, smp::Wait::Yes);
    const unsigned n = platform::machine_topology().num_cpus;
    for (unsigned cpu = 0; cpu < n; ++cpu)
        t.check(g_seen[cpu] == 0xAAAA0001, "before: cpu %u read %x", cpu, g_seen[cpu]);

    t.check(arch::remap_window_page(uintptr_t(g_window), b), "remap failed");
    smp::call_on_all(flush_window, nullptr, smp::Wait::Yes);
    smp::call_on_all(read_window, nullptr, smp::Wait::Yes);
    for (unsigned cpu = 0; cpu < n; ++cpu)
        t.check(g_seen[cpu] == 0xBBBB0002, "after shootdown: cpu %u read %x", cpu, g_seen[cpu]);
    // The window page keeps pointing at b, which stays allocated: window
    // mappings are never removed, so the frame must not be reused.
    mm::frames().free(a, 1);
}
