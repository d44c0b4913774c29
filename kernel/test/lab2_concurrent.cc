// lab2_concurrent.cc: Lab 2 self-test with a space used on every CPU at once.
//
// Each round, the CPU running the test creates a space and adds mappings in
// fresh 4 MiB regions (so every one needs a new page table, entered into every
// CPU's directory) while every other CPU, at a different moment each round,
// makes its own directory for the space. Then every CPU checks, by walking its
// directory and by loading it and reading each page, that it sees every page:
// a directory copied from the master while a table was being entered into
// "every" directory, without the lock, misses that table. Every CPU keeps its
// directory loaded, with the pages' translations in its TLB, while the runner
// maps other frames at the same addresses: each CPU must then read the new
// frames, so the shootdowns of the unmaps must have reached every CPU that ran
// the space (m_cpus_used). Then the space is destroyed.
//
// Progress lines, like lab1.all_cpus_at_once's, tell a slow run from a
// deadlock (the stage's hang limit).
#include "arch/arch.h"
#include "arch/mmu.h"
#include "lib/console.h"
#include "lib/format.h"
#include "mm/code_replica.h"
#include "mm/mappings.h"
#include "mm/space.h"
#include "test/ktest.h"
#include "test/round_barrier.h"
#include "test/lab2_support.h"

using namespace lab2;

namespace {

// Rounds: fewer on machines with many CPUs, whose barriers cost the most when
// QEMU runs more virtual CPUs than the host has cores (each round still makes
// every CPU's directory race the page tables).
unsigned rounds() {
    unsigned n = smp::online_count();
    unsigned r = 24 / (n == 0 ? 1 : n);
    return r < 3 ? 3 : r > 8 ? 8 : r;
}
constexpr unsigned kRegions = 8;

struct Shared {
    mm::Space* space;
    uint64_t frames[kRegions];
    uint32_t stamps[kRegions];
    uint64_t new_frames[kRegions];  // mapped at the same addresses in the second half of a round
    uint32_t new_stamps[kRegions];
    bool loaded[platform::kMaxCpus];  // the CPU has the space's directory loaded
    unsigned runner;
    unsigned rounds;
    unsigned arrived[5];  // barrier counters, one per phase
    unsigned errors[platform::kMaxCpus];
    bool error_claimed;
    char first_error[160];
    unsigned finished;
};
Shared g;

// The page of region k in a round: each in its own 4 MiB (a page table of its
// own) and at its own page offset inside it, so that the translations do not
// evict each other from a TLB indexed by the low bits of the page number.
uintptr_t region(unsigned round, unsigned k) {
    return uintptr_t(0x04000000) + uintptr_t((round * 5 + k * 13) % 700) * 0x400000 +
           uintptr_t((k * 37 + round) % 1024) * kPage;
}

// Waits for every online CPU at phase `phase` of this round (round_barrier.h).
void barrier(unsigned phase, unsigned round) { ktest::round_barrier(g.arrived[phase], round); }

void record(unsigned cpu, unsigned round, const char* what, unsigned k) {
    __atomic_fetch_add(&g.errors[cpu], 1, __ATOMIC_RELAXED);
    if (!__atomic_exchange_n(&g.error_claimed, true, __ATOMIC_ACQ_REL))
        kstd::format_to(g.first_error, sizeof(g.first_error), "round %u: cpu %u %s region %x", round, cpu, what,
                  unsigned(region(round, k)));
}

// Every CPU's part of one round, after the mappings and directories exist:
// the CPU's directory holds every page, and reading them through it (loaded,
// and left loaded) puts their translations into its TLB.
void check_round(unsigned cpu, unsigned round) {
    uint32_t directory = g.space->directory_for(cpu);
    bool walked = true;
    for (unsigned k = 0; k < kRegions; ++k)
        if (mm::walk(directory, region(round, k)) != g.frames[k]) {
            record(cpu, round, "does not see the page table (or page) of", k);
            walked = false;
        }
    g.loaded[cpu] = walked;
    if (!walked) return;  // loading it would fault
    arch::load_directory(directory);
    for (unsigned k = 0; k < kRegions; ++k)
        if (*reinterpret_cast<volatile uint32_t*>(region(round, k)) != g.stamps[k])
            record(cpu, round, "reads a wrong word through its directory at", k);
}

// After the runner mapped other frames at the same addresses: the old
// translations must be gone from this CPU's TLB.
void check_remapped(unsigned cpu, unsigned round) {
    if (!g.loaded[cpu]) return;
    for (unsigned k = 0; k < kRegions; ++k)
        if (*reinterpret_cast<volatile uint32_t*>(region(round, k)) != g.new_stamps[k])
            record(cpu, round, "still reads the old page (no shootdown reached it) at", k);
    arch::load_directory(mm::kernel_directory_for(cpu));
    g.loaded[cpu] = false;
}

void other_cpu(void*) {
    unsigned cpu = arch::cpu_index();
    for (unsigned round = 0; round < g.rounds; ++round) {
        barrier(0, round);
        // Make this CPU's directory while the runner adds tables, at a moment
        // that moves from round to round.
        for (unsigned spin = ((round * 7 + cpu * 3) % 16) * 400; spin > 0; --spin) arch::cpu_relax();
        (void)g.space->directory_for(cpu);
        barrier(1, round);
        check_round(cpu, round);
        barrier(2, round);  // the runner maps other frames at the same addresses
        barrier(3, round);
        check_remapped(cpu, round);
        barrier(4, round);  // then the runner unmaps, destroys and makes the next space
    }
    __atomic_fetch_add(&g.finished, 1, __ATOMIC_RELEASE);
}

}  // namespace

KTEST(lab2_concurrent, "lab2.all_cpus_at_once") {
    unsigned me = arch::cpu_index();
    unsigned node = cpu_memory_node(me);
    uint64_t before = free_kernel_bytes();
    g = Shared{};
    g.runner = me;
    g.rounds = rounds();
    void* pages[kRegions];
    void* new_pages[kRegions];
    for (unsigned k = 0; k < kRegions; ++k) {
        pages[k] = kmem::alloc(kPage, node);
        if (!t.check(pages[k] != nullptr, "out of kernel memory")) return;
        g.frames[k] = kmem::virt_to_phys(pages[k]);
        g.stamps[k] = 0x1ab20000u + k;
        *static_cast<volatile uint32_t*>(pages[k]) = g.stamps[k];
        new_pages[k] = kmem::alloc(kPage, node);
        if (!t.check(new_pages[k] != nullptr, "out of kernel memory")) return;
        g.new_frames[k] = kmem::virt_to_phys(new_pages[k]);
        g.new_stamps[k] = 0x2ab20000u + k;
        *static_cast<volatile uint32_t*>(new_pages[k]) = g.new_stamps[k];
    }
    unsigned others = 0;
    for (unsigned cpu = 0; cpu < platform::machine_topology().num_cpus; ++cpu)
        if (cpu != me && smp::cpu_online(cpu)) others += smp::call_on(cpu, other_cpu, nullptr, smp::Wait::No) ? 1 : 0;
    uint64_t second = arch::cycles_per_second();
    uint64_t next_report = arch::cycles() + second;
    for (unsigned round = 0; round < g.rounds; ++round) {
        g.space = mm::Space::try_create(cpu_node(me));
        if (!t.check(g.space != nullptr, "out of kernel memory in round %u", round)) break;
        barrier(0, round);
        for (unsigned k = 0; k < kRegions; ++k)
            if (mm::add_root(g.space, region(round, k), g.frames[k], kPage, mm::Rights::Full) != mm::MdbError::Ok)
                record(me, round, "could not map", k);
        (void)g.space->directory_for(me);
        barrier(1, round);
        check_round(me, round);
        barrier(2, round);
        mm::Rights status = mm::Rights::None;
        for (unsigned k = 0; k < kRegions; ++k) {
            (void)mm::unmap(g.space, region(round, k), kPage, mm::Rights::Full, true, status);
            if (mm::add_root(g.space, region(round, k), g.new_frames[k], kPage, mm::Rights::Full) != mm::MdbError::Ok)
                record(me, round, "could not map again", k);
        }
        barrier(3, round);
        check_remapped(me, round);
        barrier(4, round);
        for (unsigned k = 0; k < kRegions; ++k)
            (void)mm::unmap(g.space, region(round, k), kPage, mm::Rights::Full, true, status);
        g.space->destroy();
        g.space = nullptr;
        if (arch::cycles() >= next_report || round + 1 == g.rounds) {
            kprintf("lab2.all_cpus_at_once: %u of %u rounds done\n", round + 1, g.rounds);
            next_report = arch::cycles() + second;
        }
    }
    smp::serve_calls_until([others] { return __atomic_load_n(&g.finished, __ATOMIC_ACQUIRE) == others; });
    for (unsigned cpu = 0; cpu < platform::kMaxCpus; ++cpu)
        t.check(g.errors[cpu] == 0, "%u errors on cpu %u; the first: %s", g.errors[cpu], cpu, g.first_error);
    for (void* page : pages) kmem::free(page, kPage);
    for (void* page : new_pages) kmem::free(page, kPage);
    t.check(free_kernel_bytes() == before, "free kernel memory %llu after %u rounds, expected %llu",
            (unsigned long long)free_kernel_bytes(), g.rounds, (unsigned long long)before);
}
