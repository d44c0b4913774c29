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
// Lock: m_lock for every change. directory_for() must not take it once the
// CPU's directory exists (it runs on every thread switch).
// Tests: lab2.* (kernel/test/lab2_*.cc), the l4.* tests (tests/core).
#include "mm/space.h"

#include "arch/ia32/mm/page_table.h"
#include "lib/lab.h"
#include "lib/string.h"
#include "mm/code_replica.h"
#include "mm/kmem.h"
#include "platform/machine.h"

namespace mm {

uint32_t Space::directory_for(unsigned cpu) {
    // LAB 2: your code here
    // Fast path first: if CPU `cpu` has a directory, return its physical
    // address with one atomic load, no lock. Otherwise, under m_lock: mark
    // the CPU in m_cpus_used (shootdowns must reach it from now on), allocate
    // a page on the CPU's node, copy the master's user part (entries below
    // ia32::pte::kKernelFirstPde) and the CPU's kernel part (copy_kernel_part),
    // and publish it in m_cpu_directories and m_directory_phys (a release
    // store, last). Without memory, return the master directory (not kept).
    lab_missing(2, "kernel/mm/space_cpu_dirs.cc", "Space::directory_for");
}

void* Space::try_alloc_table_locked() {
    // LAB 2: your code here
    // An 8 KiB block (a page table and its shadow, space_tables.cc), zeroed,
    // on the node where this space's page tables belong; nullptr without memory.
    lab_missing(2, "kernel/mm/space_cpu_dirs.cc", "Space::try_alloc_table_locked");
}

void Space::set_pde_everywhere_locked(unsigned index, uint32_t pde) {
    // LAB 2: your code here
    // A new page table: enter it into the master and every CPU's copy.
    lab_missing(2, "kernel/mm/space_cpu_dirs.cc", "Space::set_pde_everywhere_locked");
}

void Space::free_cpu_directories_locked() {
    // LAB 2: your code here
    // The space is being destroyed: give every CPU's copy back, and forget it.
    lab_missing(2, "kernel/mm/space_cpu_dirs.cc", "Space::free_cpu_directories_locked");
}

}  // namespace mm
