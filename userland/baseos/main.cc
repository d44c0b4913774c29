// main.cc: baseos, the root task that is the thesis's non-NUMA operating system (5.4.1):
// one address space per task, one pager thread per CPU in the OS's own space, memory
// from NUMA node 0 only. docs/baseos.md explains the design.
//
// The main thread
//   1. reads the kernel command line and the program modules (boot_info.h);
//   2. starts the pager threads (pager.h), which from then on do all the OS's work;
//   3. with `l4.os.*` tests in test=, runs them (tests.h) and ends the run; otherwise
//      starts every program module as a task, through the OS protocol's spawn like
//      any program would, and waits until all tasks have ended, says so (scripts that
//      run programs wait for that line: "baseos: all tasks have ended"). With `exit` on
//      the kernel command line it then ends the run: QEMU exits with 33 when every task
//      exited with code 0, 35 otherwise (docs/user-boot.md); without it, it says how to
//      quit QEMU and idles.
#include "boot_info.h"
#include "frames.h"
#include "l4/cycles.h"
#include "l4/ipc.h"
#include "l4/print.h"
#include "l4/run_end.h"
#include "os/os.h"
#include "pager.h"
#include "task.h"
#include "tests.h"
#include "threads.h"

namespace baseos {

namespace {

void start_programs() {
    for (unsigned i = 0; i < program_count(); ++i) {
        const Module& module = program(i);
        if (spawn_program(module.name, module.args).is_nil())
            l4::printf("baseos: program %s did not start\n", module.name);
    }
}

}  // namespace

}  // namespace baseos

int main() {
    using namespace baseos;
    uint64_t started = l4::read_cycles();
    remember_main_thread();
    l4::printf("baseos: the non-NUMA OS: %u CPUs, %u NUMA nodes; task memory from node %u only\n", os::cpu_count(),
               os::node_count(), kMemoryNode);
    if (!read_boot_info() || !start_pagers()) {
        l4::printf("baseos: cannot start\n");
        l4::sleep_forever();
    }
    l4::printf("baseos: started in %llu cycles (the root task's start to every pager thread running)\n",
               static_cast<unsigned long long>(l4::read_cycles() - started));
    if (tests_requested()) run_tests();
    if (program_count() == 0) l4::printf("baseos: no program modules to run\n");
    for (unsigned i = 0; i < program_count(); ++i)
        l4::printf("baseos: module %s (%u bytes), args '%s'\n", program(i).name, unsigned(program(i).size),
                   program(i).args);
    start_programs();
    wait_for_all_tasks();
    unsigned failed = failed_task_count();
    l4::printf("baseos: all tasks have ended; %u of the OS's %u frames are free\n", free_frames(), total_frames());
    if (has_flag("exit")) {
        l4::printf("baseos: ending the run (exit): %u task(s) failed\n", failed);
        l4::end_run("baseos", failed == 0 ? l4::kRunPassed : l4::kRunFailed);
    }
    l4::printf("baseos: nothing more to run: quit QEMU with Ctrl-A X (KARGS=exit ends the run by itself)\n");
    l4::sleep_forever();
}
