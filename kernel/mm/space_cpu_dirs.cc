// space_cpu_dirs.cc: one page directory per CPU for each address space
// (Lab 2 territory; thesis 3.3.1 and 4.1.2).
//
// A thread of a space can run on any CPU. If all CPUs used the master
// directory, which lives on the space's home node, every TLB miss on a CPU of
// another node would read remote memory. So each CPU gets its own copy of the
// directory, allocated on that CPU's node the first time the CPU runs a thread
// of the space. The copies point to the same page tables as the master, so
// a mapping made once is seen everywhere; only a new page table has to be
// entered into every copy (set_pde_everywhere_locked).
//
//   master (home node)      CPU 0 copy (node 0)     CPU 3 copy (node 1)
//   [PDE 0][PDE 1]...       [PDE 0][PDE 1]...       [PDE 0][PDE 1]...
//      |      \________________/______________________/
//      v       v
//   table A  table B   (home node, shared by every copy)
//
// The CPUs that may cache translations of the space are exactly those that
// ever loaded one of its directories (m_cpus_used); a shootdown asks only them.
//
// Lock: m_lock (the caller of *_locked holds it). Tests: the l4.* tests run
// every space on several CPUs (tests/core), kernel/test/test_space.cc.
#include "arch/arch.h"
#include "arch/mmu.h"
#include "lib/string.h"
#include "mm/kmem.h"
#include "mm/space.h"
#include "platform/machine.h"
#include "smp/cross_call.h"

namespace mm {

namespace {

constexpr size_t kPage = 4096;

struct ShootdownRange {
    uintptr_t vaddr;
    size_t size;
};

void flush_range(void* arg) {
    const ShootdownRange* range = static_cast<const ShootdownRange*>(arg);
    if (range->size > 32 * kPage) {
        arch::flush_tlb_all();
        return;
    }
    for (size_t off = 0; off < range->size; off += kPage) arch::flush_tlb_page(range->vaddr + off);
}

}  // namespace

uint32_t Space::directory_for(unsigned cpu) {
    __atomic_fetch_or(&m_cpus_used[cpu / 32], uint32_t(1) << (cpu % 32), __ATOMIC_ACQ_REL);
    SpinLockGuard guard(m_lock);
    uint32_t* directory = m_cpu_directories[cpu];
    if (directory == nullptr) {
        unsigned node = platform::machine_topology().cpus[cpu].node;
        directory = static_cast<uint32_t*>(kmem::alloc(kPage, node));
        // Out of memory: the master directory serves this CPU as well.
        if (directory == nullptr) return uint32_t(kmem::virt_to_phys(m_directory));
        memcpy(directory, m_directory, kPage);
        m_cpu_directories[cpu] = directory;
    }
    return uint32_t(kmem::virt_to_phys(directory));
}

void Space::set_pde_everywhere_locked(unsigned index, uint32_t pde) {
    m_directory[index] = pde;
    for (uint32_t* directory : m_cpu_directories)
        if (directory != nullptr) directory[index] = pde;
}

void Space::free_cpu_directories_locked() {
    for (uint32_t*& directory : m_cpu_directories) {
        if (directory != nullptr) kmem::free(directory, kPage);
        directory = nullptr;
    }
}

void Space::shootdown(uintptr_t vaddr, size_t size) {
    ShootdownRange range{vaddr, size};
    unsigned me = arch::cpu_index();
    flush_range(&range);
    for (unsigned cpu = 0; cpu < platform::kMaxCpus; ++cpu) {
        uint32_t word = __atomic_load_n(&m_cpus_used[cpu / 32], __ATOMIC_ACQUIRE);
        if (cpu != me && (word & (uint32_t(1) << (cpu % 32)))) smp::call_on(cpu, flush_range, &range, smp::Wait::Yes);
    }
}

}  // namespace mm
