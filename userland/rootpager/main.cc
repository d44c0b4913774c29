// main.cc: the root pager, the root task of the NUMA OS (thesis 4.2.1; docs/numaos.md).
//
// The master thread
//   1. reads the kernel command line and the modules (boot.h): module 2 is the
//      application pager, modules 3.. the programs;
//   2. takes one memory pool per node from sigma0 (pools.h) and puts the System record
//      (numa/system.h) and the pagers' shared OS area in its own node's pool;
//   3. copies the application pager's image into every node's pool (pager_image.h);
//   4. starts one worker per CPU (workers.h); each creates the pager of its CPU, on that
//      CPU, and serves it; waits until every pager is ready;
//   5. asks the pager of its own CPU to start every program, as a program would
//      (os::spawn), and waits until all tasks have ended: "numaos: all tasks have
//      ended". With `exit` on the command line it then ends the run (QEMU exits with 33
//      when every task exited with code 0, 35 otherwise), as the base OS does.
#include "boot.h"
#include "l4/cycles.h"
#include "l4/ipc.h"
#include "l4/kip.h"
#include "l4/message.h"
#include "l4/print.h"
#include "l4/rpc.h"
#include "l4/run_end.h"
#include "l4/string.h"
#include "l4/utcb.h"
#include "numa/pool.h"
#include "os/os.h"
#include "pools.h"
#include "tests.h"
#include "threads.h"
#include "workers.h"

namespace rootpager {

namespace {

using api::Word;
using numa::kPageSize;

constexpr Word kOsAreaBytes = Word{512} << 10;
constexpr unsigned kPagerStartLimitMs = 20000;

[[noreturn]] void give_up(const char* why) {
    l4::printf("rootpager: cannot start the NUMA OS: %s\n", why);
    l4::sleep_forever();
}

Word pool_bytes() {
    char value[16];
    if (!find_option("pool", value, sizeof value)) return numa::kDefaultPoolBytes;
    Word mib = 0;
    for (const char* p = value; *p >= '0' && *p <= '9'; ++p) mib = mib * 10 + Word(*p - '0');
    Word bytes = mib << 20;
    if (bytes < (Word{1} << 20) || bytes > numa::kPoolMaxBytes) {
        l4::printf("rootpager: pool=%s is out of range (1 to %u MiB); using %u MiB\n", value,
                   unsigned(numa::kPoolMaxBytes >> 20), unsigned(numa::kDefaultPoolBytes >> 20));
        return numa::kDefaultPoolBytes;
    }
    return bytes;
}

/// Whether the command line says `key=value`.
bool has_word_option(const char* key, const char* value) {
    char text[16];
    return find_option(key, text, sizeof text) && strcmp(text, value) == 0;
}

/// The value of option `key` among `names` (lock=, unmap=, migrate=): its index, or
/// 0 (the default, names[0]) when the option is absent or names something else (said).
unsigned option_choice(const char* key, const char* const (&names)[2]) {
    char value[16];
    if (!find_option(key, value, sizeof value)) return 0;
    for (unsigned i = 0; i < 2; ++i)
        if (strcmp(value, names[i]) == 0) return i;
    l4::printf("rootpager: %s=%s is neither %s nor %s; using %s\n", key, value, names[0], names[1], names[0]);
    return 0;
}

/// lock=spin (the default) or lock=mcs: the lock of every task's master table.
numa::LockKind master_lock_kind() {
    return option_choice("lock", {"spin", "mcs"}) == 0 ? numa::LockKind::Spin : numa::LockKind::Mcs;
}

/// unmap=sync (the default) or unmap=async (Lab 6's challenge problem).
numa::UnmapMode unmap_mode() {
    return option_choice("unmap", {"sync", "async"}) == 0 ? numa::UnmapMode::Sync : numa::UnmapMode::Async;
}

/// migrate=spaces (the default) or migrate=cpu (Lab 7's off switch).
numa::Migration migration() {
    return option_choice("migrate", {"spaces", "cpu"}) == 0 ? numa::Migration::Spaces : numa::Migration::CpuOnly;
}

/// The System record and the OS area, in the pool of the master's node.
numa::System& make_system(unsigned cpus, unsigned nodes) {
    unsigned node = l4::processor_node(l4::processor_no());
    numa::System shape{};
    shape.nodes = nodes;
    if (!acquire_pools(shape, pool_bytes(), !has_word_option("pools", "one"))) give_up("no memory");
    numa::Pool& pool = numa::Pool::of_node(shape.pool_node[node]);
    Word system_pages = (sizeof(numa::System) + kPageSize - 1) / kPageSize;
    Word at = pool.allocate_consecutive(system_pages + kOsAreaBytes / kPageSize);
    if (at == 0) give_up("the master's pool is too small for the System record");
    numa::System& system = *reinterpret_cast<numa::System*>(at);
    system = shape;
    system.cpus = cpus;
    system.os_area = at + system_pages * kPageSize;
    system.os_area_bytes = kOsAreaBytes;
    system.first_task_thread = first_task_number();
    system.master_lock = master_lock_kind();
    system.placement = has_word_option("placement", "master") ? numa::Placement::Master : numa::Placement::FirstTouch;
    system.unmap_mode = unmap_mode();
    system.migration = migration();
    system.spaces = option_choice("spaces", {"node", "single"}) == 0 ? numa::Spaces::PerNode : numa::Spaces::Single;
    for (unsigned cpu = 0; cpu < cpus; ++cpu) {
        numa::PagerRecord& record = system.pagers[cpu];
        record.cpu = cpu;
        record.node = l4::processor_node(cpu);
        record.pool_node = system.pool_node[record.node];
    }
    record_programs(system);
    return system;
}

void describe(const numa::System& system) {
    for (unsigned node = 0; node < system.nodes; ++node) {
        if (!system.has_pool[node]) {
            l4::printf("rootpager: node %u has no pool (no memory, or pools=one): its CPUs use node %u's pool\n",
                       node, system.pool_node[node]);
            continue;
        }
        numa::Pool& pool = numa::Pool::of_node(node);
        l4::printf("rootpager: node %u pool at %x: %u KiB in %u chunk(s) from physical %x\n", node, pool.base(),
                   unsigned(pool.size() >> 10), pool.chunk_count(), pool.chunk(0).physical);
    }
}

/// Statistics: each pool's frames in use (the pagers' own pages and tables, and what
/// tasks hold), and each pager's page faults.
void describe_use(const numa::System& system) {
    for (unsigned node = 0; node < system.nodes; ++node)
        if (system.has_pool[node])
            l4::printf("numaos: node %u pool: %u of %u frames in use\n", node,
                       unsigned(numa::Pool::of_node(node).frames_in_use()),
                       unsigned(numa::Pool::of_node(node).total_frames()));
    for (unsigned cpu = 0; cpu < system.cpus; ++cpu)
        l4::printf("numaos: pager of CPU %u: %u page faults, %u after it was ready\n", cpu,
                   unsigned(system.pagers[cpu].faults), unsigned(system.pagers[cpu].late_faults));
}

unsigned start_programs(const numa::System& system) {
    ThreadId pager = system.pagers[l4::processor_no()].pager;
    unsigned started = 0;
    for (unsigned i = 0; i < system.module_count; ++i) {
        os::SpawnRequest request{};
        memcpy(request.module, system.modules[i].name, sizeof request.module);
        memcpy(request.args, system.modules[i].args, sizeof request.args);
        auto reply = l4::rpc::call<os::proto::Spawn>(pager, request);
        if (reply.ok())
            ++started;
        else
            l4::printf("rootpager: program %s did not start\n", request.module);
    }
    return started;
}

}  // namespace

}  // namespace rootpager

int main() {
    using namespace rootpager;
    uint64_t started = l4::read_cycles();
    remember_main_thread();
    unsigned cpus = l4::processor_count() < numa::kMaxCpus ? unsigned(l4::processor_count()) : numa::kMaxCpus;
    unsigned nodes = os::node_count();
    l4::printf("rootpager: the NUMA OS: %u CPUs, %u NUMA nodes; one application pager per CPU\n", cpus, nodes);
    if (!read_boot()) give_up("no multiboot information");
    numa::System& system = make_system(cpus, nodes);
    l4::printf("rootpager: master tables locked with %s locks; %s\n",
               system.master_lock == numa::LockKind::Mcs ? "MCS" : "spin",
               system.placement == numa::Placement::Master
                   ? "placement=master: every task page from its master node, code not replicated"
                   : "first-touch placement, code replicated per node");
    if (system.unmap_mode == numa::UnmapMode::Async)
        l4::printf("rootpager: unmap=async asks for the asynchronous global unmap, Lab 6's challenge problem "
                   "(labs/lab6-unmap/README.md); the reference pagers unmap synchronously\n");
    if (system.migration == numa::Migration::CpuOnly)
        l4::printf("rootpager: migrate=cpu: a thread moved to another node keeps its space and pager there\n");
    if (system.spaces == numa::Spaces::Single)
        l4::printf("rootpager: spaces=single: one space per task, on the node it starts on (an experiment, "
                   "thesis Figure 5.16; not the NUMA OS's design)\n");
    describe(system);
    if (!load_pager_module(system)) give_up("the application pager's image");
    if (!start_workers(system) || !wait_for_pagers(system, kPagerStartLimitMs)) give_up("the pagers did not start");
    l4::printf("numaos: started in %llu cycles (the root task's start to every pager ready)\n",
               static_cast<unsigned long long>(l4::read_cycles() - started));
    for (unsigned cpu = 0; cpu < cpus; ++cpu)
        l4::printf("rootpager: pager of CPU %u (node %u, pool of node %u): thread %x, %u page faults to start\n", cpu,
                   system.pagers[cpu].node, system.pagers[cpu].pool_node, system.pagers[cpu].pager.raw(),
                   unsigned(system.pagers[cpu].faults));
    if (numa_tests_requested()) run_numa_tests(system);
    if (system.module_count == 0) l4::printf("numaos: no program modules to run\n");
    start_programs(system);
    while (__atomic_load_n(&system.live_tasks, __ATOMIC_ACQUIRE) != 0) l4::sleep(l4::milliseconds(10));
    unsigned failed = __atomic_load_n(&system.failed_tasks, __ATOMIC_ACQUIRE);
    l4::printf("numaos: all tasks have ended; %u failed\n", failed);
    describe_use(system);
    if (has_flag("exit")) {
        l4::printf("numaos: ending the run (exit): %u task(s) failed\n", failed);
        l4::end_run("numaos", failed == 0 ? l4::kRunPassed : l4::kRunFailed);
    }
    l4::printf("numaos: nothing more to run: quit QEMU with Ctrl-A X (KARGS=exit ends the run by itself)\n");
    l4::sleep_forever();
}
