// code_replica.h: kernel code replication (Lab 2, thesis 4.1.3).
//
// The loader puts the kernel image in the memory of one node. Every CPU of
// every other node would fetch each kernel instruction from remote memory
// (after an instruction-cache miss) and walk remote page tables for it. So at
// boot the kernel copies its code (.text and .rodata, arch::kernel_code()) into
// the pool of every node that serves a CPU, and gives that node a kernel
// directory of its own: the boot directory's kernel part, except that the
// 4 MiB region holding the code points to a copy of the image's page table in
// which the code's entries name the node's copy:
//
//   virtual 0xC0101000 (code)
//      |
//      +-- node 0 CPUs: boot directory  -> image table  -> the image's frames
//      +-- node 1 CPUs: node 1 directory -> node 1 table -> node 1's copy
//      +-- node 2 CPUs: node 2 directory -> node 2 table -> node 2's copy
//
// The node that holds the image keeps it (no copy). A node without memory is
// served by its nearest node with memory (kmem::serving_node): its CPUs run
// that node's copy. Nothing in the kernel writes its code, so the copies
// never need to be kept in step.
//
// Every directory a CPU loads takes its kernel part from its node's kernel
// directory: the per-CPU directories of address spaces (space_cpu_dirs.cc,
// through copy_kernel_part) and the directory of a CPU that runs no user
// thread (kernel_directory_for). `replicate=off` on the kernel command line
// skips replicate_kernel_code(): every CPU then runs the image's code, for the
// thesis's comparison (5.3).
//
// Who writes what: code_replica.cc (Lab 2) all three functions; main.cc calls
// replicate_kernel_code() once, on the boot CPU, after the kernel directory is
// frozen (arch::freeze_kernel_directory) and before the first address space,
// and then makes every CPU load kernel_directory_for() itself.
#pragma once

#include <stdint.h>

namespace mm {

/// Boot: gives every node that serves a CPU, other than the image's node, a
/// copy of the kernel's code in its pool, a copy of the image's page table
/// that maps it, and a kernel directory with that table. A node whose pool
/// cannot hold the copy keeps the image's code.
void replicate_kernel_code();

/// Fills the kernel part of `directory` (entries 768 to 1023, the top GiB)
/// for CPU `cpu`: the entries of the kernel directory of the CPU's node.
void copy_kernel_part(uint32_t* directory, unsigned cpu);

/// The physical address of the kernel directory CPU `cpu` loads when it runs
/// no user thread: its node's (the boot directory without a copy).
uint32_t kernel_directory_for(unsigned cpu);

}  // namespace mm
