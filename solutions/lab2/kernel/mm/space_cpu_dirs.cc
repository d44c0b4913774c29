// space_cpu_dirs.cc: per-CPU page directories and where a space's page
// tables live (Lab 2; thesis 3.3.1 and 4.1.2).
//
// What it does: a CPU that runs a thread of the space for the first time gets
// its own copy of the directory, allocated on that CPU's node: the user part
// copied from the master (on the home node), the kernel part from the CPU's
// node (mm/code_replica.h). The copies point to the same page tables as the
// master, so a mapping made once is seen everywhere; only a new page table
// has to be entered into every copy. Page tables come from the home node.
//
//   master (home node)      CPU 0 copy (node 0)     CPU 3 copy (node 1)
//   [PDE 0][PDE 1]...       [PDE 0][PDE 1]...       [PDE 0][PDE 1]...
//      |      \________________/______________________/
//      v       v
//   table A  table B   (home node, shared by every copy)
//
// Invariants: m_cpu_directories[c] and m_directory_phys[c] name the same
// directory or are both empty; every copy's user part equals the master's
// (a PDE is set in all of them under m_lock); m_cpus_used has bit c set
// before CPU c can load any of the space's directories, and keeps it.
// Lock: m_lock for every change. directory_for() reads m_directory_phys[cpu]
// without it: the directory is complete before its address is published
// (release store), and it is never replaced while the space lives.
// Tests: lab2.* (kernel/test/lab2_*.cc), the l4.* tests (tests/core).
#include "mm/space.h"

#include "arch/ia32/mm/page_table.h"
#include "lib/lab.h"
#include "lib/string.h"
#include "mm/code_replica.h"
#include "mm/kmem.h"
#include "platform/machine.h"

namespace mm {

namespace {

constexpr size_t kPage = 4096;
constexpr size_t kTableBlock = 2 * kPage;  // the table and its shadow (space_tables.cc)

}  // namespace

uint32_t Space::directory_for(unsigned cpu) {
    uint32_t phys = __atomic_load_n(&m_directory_phys[cpu], __ATOMIC_ACQUIRE);
    if (phys != 0) return phys;
    SpinLockGuard guard(m_lock);
    // From now on a shootdown must reach this CPU.
    __atomic_fetch_or(&m_cpus_used[cpu / 32], uint32_t(1) << (cpu % 32), __ATOMIC_ACQ_REL);
    if (m_cpu_directories[cpu] != nullptr) return m_directory_phys[cpu];
    uint32_t* directory = static_cast<uint32_t*>(kmem::alloc(kPage, platform::machine_topology().cpus[cpu].node));
    // Out of memory: the master directory serves this CPU as well.
    if (directory == nullptr) return uint32_t(kmem::virt_to_phys(m_directory));
    memcpy(directory, m_directory, ia32::pte::kKernelFirstPde * sizeof(uint32_t));
    copy_kernel_part(directory, cpu);
    m_cpu_directories[cpu] = directory;
    __atomic_store_n(&m_directory_phys[cpu], uint32_t(kmem::virt_to_phys(directory)), __ATOMIC_RELEASE);
    return m_directory_phys[cpu];
}

void* Space::try_alloc_table_locked() {
    void* block = kmem::alloc(kTableBlock, home_node());
    if (block != nullptr) memset(block, 0, kTableBlock);
    return block;
}

void Space::set_pde_everywhere_locked(unsigned index, uint32_t pde) {
    m_directory[index] = pde;
    for (uint32_t* directory : m_cpu_directories)
        if (directory != nullptr) directory[index] = pde;
}

void Space::free_cpu_directories_locked() {
    for (unsigned cpu = 0; cpu < platform::kMaxCpus; ++cpu) {
        if (m_cpu_directories[cpu] == nullptr) continue;
        kmem::free(m_cpu_directories[cpu], kPage);
        m_cpu_directories[cpu] = nullptr;
        __atomic_store_n(&m_directory_phys[cpu], 0, __ATOMIC_RELEASE);
    }
}

}  // namespace mm
