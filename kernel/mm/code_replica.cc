// code_replica.cc: a copy of the kernel's code on every node (Lab 2).
//
// What it does: at boot, copies .text and .rodata into the pool of every node
// that serves a CPU (except the node holding the image), builds for that node
// a page table that maps the code's addresses to the copy, and a kernel
// directory that uses it; then hands every directory a CPU loads the kernel
// part of its node's directory. The picture is in mm/code_replica.h.
// Invariants: a node's kernel directory is on that node's pool and its kernel
// part equals the boot directory's except for the code's 4 MiB region; it is
// written once at boot, before any other CPU reads it, and only read after.
// Lock: none; see the invariant.
// Tests: lab2.code_replica (kernel/test/lab2_code.cc), lab2.directory_on_cpu_node.
// Thesis: 4.1.3.
#include "mm/code_replica.h"

#include "arch/ia32/mm/page_table.h"
#include "arch/mmu.h"
#include "lib/lab.h"
#include "lib/per_node.h"
#include "lib/string.h"
#include "mm/kmem.h"
#include "mm/page_walk.h"
#include "platform/machine.h"

namespace mm {

void replicate_kernel_code() {
    // LAB 2: your code here
    // For every node that serves a CPU (kmem::serving_node of the CPU's
    // node), except the node that holds the image (arch::kernel_code().phys,
    // node_of_phys), once: copy [code.start, code.end) into the node's own
    // pool; copy the image's page table for the code (arch::kernel_page_table)
    // into a page of the node and point its code entries at the copy
    // (ia32::pte::kernel_code_entry); make a kernel directory on the node
    // (arch::copy_kernel_mappings) whose code entry names that table
    // (ia32::pte::kernel_table_entry). Remember it for the functions below.
    // A node whose pool has no room keeps the image's code (say so with
    // lab_printf); memory kmem gives from another node's pool is not "its own".
    lab_missing(2, "kernel/mm/code_replica.cc", "mm::replicate_kernel_code");
}

void copy_kernel_part(uint32_t* directory, unsigned cpu) {
    // LAB 2: your code here
    // Entries ia32::pte::kKernelFirstPde to 1023 of the kernel directory of
    // the node that serves `cpu` (arch::copy_kernel_mappings when it has none).
    lab_missing(2, "kernel/mm/code_replica.cc", "mm::copy_kernel_part");
}

uint32_t kernel_directory_for(unsigned cpu) {
    // LAB 2: your code here
    // The physical address of that node's kernel directory, or of the boot
    // directory (arch::kernel_directory) when it has none.
    lab_missing(2, "kernel/mm/code_replica.cc", "mm::kernel_directory_for");
}

}  // namespace mm
