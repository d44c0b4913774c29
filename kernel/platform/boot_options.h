// boot_options.h: the kernel command line, parsed once at boot.
//
// The command line is a list of words separated by spaces; a word is either a
// flag (`exit`) or `key=value`. QEMU's -kernel passes the kernel's path as the
// first word ("build/kernel.elf exit"); GRUB may too. A first word that names a
// file (contains '/' or ends in ".elf") is skipped.
//
//   exit            leave QEMU through isa-debug-exit when the run is done: after
//                   boot and the self-tests without a root task (or when a
//                   self-test failed), else when the root task ends the run
//                   (docs/user-boot.md)
//   test=a,b | all  run these in-kernel self-tests (kernel/test/)
//   nonce=TOKEN     echo TOKEN in every result line (the grader's anti-forgery)
//   numa=off        treat the machine as one node even if it has an SRAT
//   numa=fake:N     split memory and CPUs into N nodes (no SRAT needed)
//   kmem=SIZE       kernel memory pool per node, e.g. kmem=8M or kmem=512K (Lab 1)
//   acpidump        print every ACPI table in hex (to capture test fixtures)
//   smp=off         start only the boot CPU
//   replicate=off   every node runs the one copy of the kernel's code (no
//                   per-node copies: Lab 2, mm/code_replica.h)
//   tcb_migration=off  a migrating thread's TCB stays where it was made
//                   (Lab 3, thread/tcb_migrate.h)
//   fastpath=off    every IPC takes the general path (ipc/fast_path.h)
//   kcheck=plant    the invariant checker (syscall/kcheck.h) plants an
//                   inconsistency before each check and removes it after,
//                   so that it must report one (the grader's self-test)
//   kcheck=plant-tcb  the same with a TCB page off its thread's node (the
//                   running thread seen on a CPU of another node)
//   kcheck=plant-stack  the same with a kernel stack that reached its TCB
//                   (a word written at the running thread's stack limit)
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "platform/acpi/topology_options.h"

namespace platform {

struct BootOptions {
    bool exit_when_done = false;
    bool acpi_dump = false;
    bool smp = true;
    bool replicate_code = true;  ///< per-node copies of the kernel's code (replicate=off: one copy)
    bool migrate_tcbs = true;    ///< TCBs follow their threads' nodes (tcb_migration=off: they stay)
    bool ipc_fast_path = true;   ///< the IPC fast path (fastpath=off: the general path only)
    bool sysenter = true;        ///< the Ipc stub enters by sysenter where the CPU has it (sysenter=off: int)
    bool plant_inconsistency = false;  ///< kcheck=plant (syscall/kcheck.h)
    bool plant_tcb_off_node = false;   ///< kcheck=plant-tcb (syscall/kcheck.h)
    bool plant_deep_stack = false;     ///< kcheck=plant-stack (syscall/kcheck.h)
    acpi::NumaMode numa = acpi::NumaMode::Auto;
    unsigned fake_nodes = 0;
    uint64_t kmem_pool_bytes = 0;  ///< kmem=SIZE; 0 = the kernel's default
    char tests[1024] = {};  ///< comma-separated names, "all", or empty
    bool tests_cut = false;  ///< the test= value was longer than `tests` holds
    char nonce[64] = {};
    char unknown[128] = {};  ///< words the kernel did not understand, for a warning
};

/// Parses `cmdline` (may be null) into `out`. Pure: the host tests call it.
void parse_boot_options(const char* cmdline, BootOptions& out);

/// The options of this boot (valid after init_boot_options()).
const BootOptions& boot_options();
void init_boot_options(const char* cmdline);

}  // namespace platform
