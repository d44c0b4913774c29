// demo: what `make qemu` runs on the base OS (userland/baseos, docs/baseos.md).
//
// The main thread starts one worker on every CPU (os::create_thread). Each worker
// touches a few pages of its own part of the heap (page faults the OS serves with
// memory from node 0) and says where it runs. Then the main thread moves the worker of
// CPU 0 to a CPU of another node (the last CPU), the worker says where it arrived, and
// the program ends; the OS prints what it did along the way and takes the memory back.
#include "l4/ipc.h"
#include "l4/message.h"
#include "l4/print.h"
#include "l4/utcb.h"
#include "os/os.h"

namespace {

using api::Word;

constexpr unsigned kMaxWorkers = 16;
constexpr unsigned kPagesPerWorker = 4;

// Written by one worker each, read by the main thread.
volatile Word g_reported[kMaxWorkers];
volatile Word g_round;  // 1: say where you are; 2: the moved worker says it again
volatile Word g_sum[kMaxWorkers];

void worker(Word index) {
    // Each worker's pages are its own, in the heap right after the image.
    Word* memory = reinterpret_cast<Word*>(os::heap_start() + index * kPagesPerWorker * os::kPageSize);
    Word sum = 0;
    for (unsigned page = 0; page < kPagesPerWorker; ++page) {
        memory[page * os::kPageSize / sizeof(Word)] = index + page;
        sum += memory[page * os::kPageSize / sizeof(Word)];
    }
    g_sum[index] = sum;
    unsigned cpu = l4::processor_no();
    l4::printf("demo: worker %u runs on CPU %u (node %u), touched %u pages\n", unsigned(index), cpu,
               os::node_of_cpu(cpu), kPagesPerWorker);
    g_reported[index] = 1;
    while (g_round < 2) l4::sleep(l4::milliseconds(1));
    if (index == 0) {
        cpu = l4::processor_no();
        l4::printf("demo: worker 0 now runs on CPU %u (node %u)\n", cpu, os::node_of_cpu(cpu));
        g_reported[0] = 2;
    }
}

bool wait_for(unsigned workers, Word value) {
    for (unsigned ms = 0; ms < 10000; ++ms) {
        bool all = true;
        for (unsigned i = 0; i < workers; ++i) all = all && g_reported[i] >= value;
        if (all) return true;
        l4::sleep(l4::milliseconds(1));
    }
    return false;
}

}  // namespace

int main() {
    unsigned cpus = os::cpu_count() < kMaxWorkers ? os::cpu_count() : kMaxWorkers;
    l4::printf("demo: %u CPUs on %u NUMA nodes; one worker per CPU\n", cpus, os::node_count());
    os::ThreadId workers[kMaxWorkers];
    for (unsigned cpu = 0; cpu < cpus; ++cpu) {
        workers[cpu] = os::create_thread(cpu, worker, cpu);
        if (workers[cpu].is_nil()) {
            l4::printf("demo: the OS refused a thread on CPU %u\n", cpu);
            return 1;
        }
    }
    if (!wait_for(cpus, 1)) return 2;
    unsigned target = cpus - 1;
    l4::printf("demo: moving worker 0 from CPU 0 (node %u) to CPU %u (node %u)\n", os::node_of_cpu(0), target,
               os::node_of_cpu(target));
    if (!os::migrate_thread(workers[0], target)) {
        l4::printf("demo: the OS refused the migration\n");
        return 3;
    }
    g_round = 2;
    if (!wait_for(1, 2)) return 4;
    os::TaskInfo info = os::task_info();
    l4::printf("demo: done: %u page faults, %u pages held; exiting\n", unsigned(info.page_faults), unsigned(info.pages));
    return 0;
}
