// tests.cc: the numa.* tests of Lab 4 (tests.h) and the table of all of them; Lab 5's are
// in sync_tests.cc, Lab 6's in unmap_tests.cc.
#include "tests.h"

#include "api/fpage.h"
#include "boot.h"
#include "lib/elf.h"
#include "l4/fuzz_settings.h"
#include "l4/ipc.h"
#include "l4/kdebug.h"
#include "l4/kip.h"
#include "l4/message.h"
#include "l4/print.h"
#include "l4/rpc.h"
#include "l4/sigma0_client.h"
#include "l4/string.h"
#include "l4/test_runner.h"
#include "numa/pool.h"
#include "numa/root_protocol.h"
#include "os/os.h"
#include "sync_tests.h"
#include "migrate_tests.h"
#include "unmap_tests.h"
#include "test_support.h"
#include "threads.h"

namespace rootpager {

namespace {

using api::Word;
using l4::tests::fail;
using numa::kPageSize;

constexpr unsigned kWaitLimitMs = 60000;
constexpr Word kPoolSampleStride = 16;  // every 16th page of a pool, and its last
constexpr Word kScratchWindow = 0x0F000000;  // where a wrongly granted sigma0 page would land

numa::System* g_system;

}  // namespace

numa::System& tested_system() { return *g_system; }

unsigned nearest_with_memory(unsigned node) {
    unsigned best = ~0u, best_distance = ~0u;
    for (unsigned other = 0; other < g_system->nodes; ++other) {
        if (l4::node_memory_bytes(other) == 0) continue;
        unsigned distance = other == node ? 0 : l4::kdebug::node_distance(node, other);
        if (distance < best_distance) {
            best = other;
            best_distance = distance;
        }
    }
    return best;
}

bool wait_for_tasks() {
    for (unsigned ms = 0; __atomic_load_n(&g_system->live_tasks, __ATOMIC_ACQUIRE) != 0; ms += 5) {
        if (ms >= kWaitLimitMs) return fail("tasks still run after %u ms", kWaitLimitMs);
        l4::sleep(l4::milliseconds(5));
    }
    return true;
}

namespace {

unsigned root_number() { return unsigned(root_main_thread().number()); }

/// Where the page at `address` of pager `cpu`'s space really lies.
Word pager_physical(unsigned cpu, Word address) {
    return l4::kdebug::physical_in_space(unsigned(g_system->pagers[cpu].pager.number()), unsigned(address));
}

/// Does the page at `offset` of `pool` lie on the pool's node?
bool pool_page_on_node(const numa::Pool& pool, Word offset) {
    Word va = pool.base() + offset;
    Word physical = l4::kdebug::physical_in_space(root_number(), unsigned(va));
    if (physical == ~Word{0}) return fail("node %u's pool has no page at %x", pool.node(), va);
    unsigned on = l4::node_of_physical(physical);
    if (on != pool.node())
        return fail("node %u's pool page at %x is physical %x, on node %d", pool.node(), va, physical, int(on));
    return true;
}

bool pools_on_their_nodes() {
    for (unsigned node = 0; node < g_system->nodes; ++node) {
        bool memory = l4::node_memory_bytes(node) != 0;
        if (memory != g_system->has_pool[node])
            return fail(memory ? "node %u has memory but no pool" : "node %u has no memory but a pool", node);
        if (!memory) continue;
        numa::Pool& pool = numa::Pool::of_node(node);
        if (pool.node() != node || pool.size() < 64 * kPageSize)
            return fail("node %u's pool says node %u, %u KiB", node, pool.node(), unsigned(pool.size() >> 10));
        for (Word offset = 0; offset < pool.size(); offset += kPoolSampleStride * kPageSize)
            if (!pool_page_on_node(pool, offset)) return false;
        if (!pool_page_on_node(pool, pool.size() - kPageSize)) return false;
    }
    return true;
}

bool one_pager_per_cpu() {
    if (g_system->cpus != l4::processor_count()) return fail("%u pager records for %u CPUs", g_system->cpus,
                                                             unsigned(l4::processor_count()));
    for (unsigned cpu = 0; cpu < g_system->cpus; ++cpu) {
        const numa::PagerRecord& r = g_system->pagers[cpu];
        if (r.pager.is_nil() || !r.ready) return fail("CPU %u has no ready pager", cpu);
        for (unsigned other = 0; other < cpu; ++other)
            if (g_system->pagers[other].pager == r.pager) return fail("CPUs %u and %u share pager %x", other, cpu,
                                                                      r.pager.raw());
        auto where = l4::rpc::call<numa::root_proto::Whereabouts>(r.pager);
        if (!where.ok()) return fail("the pager of CPU %u does not answer", cpu);
        if (where.value().running_cpu != cpu || where.value().cpu != cpu)
            return fail("the pager of CPU %u runs on CPU %u and thinks it is CPU %u's", cpu,
                        unsigned(where.value().running_cpu), unsigned(where.value().cpu));
        if (where.value().node != l4::processor_node(cpu))
            return fail("the pager of CPU %u thinks its node is %u, not %u", cpu, unsigned(where.value().node),
                        l4::processor_node(cpu));
    }
    return true;
}

bool pager_home_nodes() {
    for (unsigned cpu = 0; cpu < g_system->cpus; ++cpu) {
        unsigned home = l4::kdebug::space_home_node(unsigned(g_system->pagers[cpu].pager.number()));
        if (home != l4::processor_node(cpu))
            return fail("the pager of CPU %u (node %u) lives in a space whose home node is %d", cpu,
                        l4::processor_node(cpu), int(home));
    }
    return true;
}

/// Which pages of the pager's image are writable, from its ELF file.
bool image_layout(Word* start, Word* pages, bool* writable, unsigned max_pages) {
    const l4::BootModule* module = pager_module();
    auto parsed = elf::try_parse(module->data, module->size, numa::kImageEnd);
    if (!parsed.ok()) return fail("the pager's image does not parse");
    const elf::ElfImage& image = parsed.value();
    Word lowest = ~Word{0};
    for (size_t i = 0; i < image.segment_count; ++i)
        if (image.segments[i].vaddr < lowest) lowest = image.segments[i].vaddr;
    *start = lowest & ~(kPageSize - 1);
    *pages = (image.highest_vaddr - *start + kPageSize - 1) / kPageSize;
    if (*pages > max_pages) return fail("the pager's image has %u pages", unsigned(*pages));
    for (Word p = 0; p < *pages; ++p) {
        writable[p] = false;
        for (size_t i = 0; i < image.segment_count; ++i) {
            const elf::ElfSegment& s = image.segments[i];
            Word page = *start + p * kPageSize;
            if (s.vaddr < page + kPageSize && s.vaddr_end() > page && (s.flags & elf::kFlagWrite) != 0)
                writable[p] = true;
        }
    }
    return true;
}

bool pager_code_local() {
    constexpr unsigned kMaxPages = 256;
    Word start = 0, pages = 0;
    bool writable[kMaxPages];
    if (!image_layout(&start, &pages, writable, kMaxPages)) return false;
    for (Word p = 0; p < pages; ++p) {
        Word va = start + p * kPageSize;
        for (unsigned cpu = 0; cpu < g_system->cpus; ++cpu) {
            Word physical = pager_physical(cpu, va);
            unsigned want = nearest_with_memory(l4::processor_node(cpu));
            unsigned on = physical == ~Word{0} ? ~0u : l4::node_of_physical(physical);
            if (on != want)
                return fail("pager %u's %s page %x is physical %x, on node %d, not %u", cpu,
                            writable[p] ? "data" : "code", va, physical, int(on), want);
            for (unsigned other = 0; other < cpu; ++other) {
                bool same_pool = nearest_with_memory(l4::processor_node(other)) == want;
                bool same_frame = pager_physical(other, va) == physical;
                if (writable[p] && same_frame)
                    return fail("pagers %u and %u share the data page %x (physical %x)", other, cpu, va, physical);
                if (!writable[p] && same_pool && !same_frame)
                    return fail("pagers %u and %u of one node have two copies of code page %x", other, cpu, va);
            }
        }
    }
    return true;
}

bool memoryless_nearest() {
    for (unsigned cpu = 0; cpu < g_system->cpus; ++cpu) {
        unsigned node = l4::processor_node(cpu);
        auto where = l4::rpc::call<numa::root_proto::Whereabouts>(g_system->pagers[cpu].pager);
        if (!where.ok()) return fail("the pager of CPU %u does not answer", cpu);
        unsigned want = nearest_with_memory(node);
        if (where.value().pool_node != want)
            return fail("the pager of CPU %u (node %u%s) allocates from node %u's pool, not the nearest, %u", cpu, node,
                        l4::node_memory_bytes(node) == 0 ? ", no memory" : "", unsigned(where.value().pool_node),
                        want);
    }
    return true;
}

/// No pager took a page fault since it said it was ready: every counter of late faults
/// is 0, and every pager took some at start.
bool pagers_fault_free() {
    for (unsigned cpu = 0; cpu < g_system->cpus; ++cpu) {
        const numa::PagerRecord& r = g_system->pagers[cpu];
        if (r.faults == 0) return fail("the pager of CPU %u took no page fault at all", cpu);
        if (r.late_faults != 0) return fail("the pager of CPU %u took %u page faults after it was ready", cpu,
                                            unsigned(r.late_faults));
    }
    return true;
}

/// Every pager serves requests that run no task (so no Lab 5 code: Lab 4 is graded
/// with Lab 5's holes unwritten): where it is, a spawn of a module that does not exist,
/// a task's request from a thread of no task. os_programs checks the same after tasks.
bool no_late_pager_faults() {
    for (unsigned cpu = 0; cpu < g_system->cpus; ++cpu) {
        ThreadId pager = g_system->pagers[cpu].pager;
        os::SpawnRequest request{};
        memcpy(request.module, "no-such-program", 16);
        if (!l4::rpc::call<numa::root_proto::Whereabouts>(pager).ok())
            return fail("the pager of CPU %u does not answer", cpu);
        if (l4::rpc::call<os::proto::Spawn>(pager, request).ok())
            return fail("the pager of CPU %u started a module that does not exist", cpu);
        if (l4::rpc::call<os::proto::GetTaskInfo>(pager).ok())
            return fail("the pager of CPU %u answered task_info for the root pager, no task", cpu);
    }
    return pagers_fault_free();
}

// 0 while the asking thread works, then 1 (all refused) or 2 (fail() says why).
unsigned g_asked;

/// A thread other than the one that took the pools asks sigma0 for the first page of
/// every chunk of every pool: sigma0 gives a page to one thread only (the same thread
/// may ask again, so the master cannot ask itself).
void ask_sigma0_for_pools(Word) {
    api::Fpage scratch = api::Fpage::memory(kScratchWindow, 12, api::Rights::None);
    unsigned result = 1;
    for (unsigned node = 0; node < g_system->nodes && result == 1; ++node) {
        if (!g_system->has_pool[node]) continue;
        numa::Pool& pool = numa::Pool::of_node(node);
        for (unsigned i = 0; i < pool.chunk_count() && result == 1; ++i) {
            Word va = pool.base() + pool.chunk(i).offset;
            Word physical = l4::kdebug::physical_in_space(root_number(), unsigned(va));
            api::Fpage page = api::Fpage::memory(physical, 12, api::Rights::Full);
            if (!l4::sigma0::request(page, scratch).is_nil()) {
                (void)fail("sigma0 gave node %u's pool page %x (physical %x) to a second thread", node, va, physical);
                result = 2;
            }
        }
    }
    __atomic_store_n(&g_asked, result, __ATOMIC_RELEASE);
}

bool sigma0_refuses_again() {
    __atomic_store_n(&g_asked, 0, __ATOMIC_RELEASE);
    if (start_worker(l4::processor_no(), ask_sigma0_for_pools, 0).is_nil()) return fail("cannot start a thread");
    for (unsigned ms = 0; __atomic_load_n(&g_asked, __ATOMIC_ACQUIRE) == 0; ms += 5) {
        if (ms >= kWaitLimitMs) return fail("the asking thread did not finish in %u ms", kWaitLimitMs);
        l4::sleep(l4::milliseconds(5));
    }
    return __atomic_load_n(&g_asked, __ATOMIC_ACQUIRE) == 1;
}

/// The base OS's program tests, on the NUMA OS: every ostest mode ends as it must,
/// started from every CPU's pager in turn (so from every node).
bool os_programs() {
    if (g_system->find_module("ostest") == nullptr) return fail("no ostest module to run");
    const char* const good[] = {"mode=exit code=0", "mode=threads", "mode=memory pages=16", "mode=malformed",
                                "mode=parent"};
    for (unsigned cpu = 0; cpu < g_system->cpus; ++cpu) {
        for (const char* args : good)
            if (!run_ostest_cleanly(cpu, args)) return false;
        unsigned failed = __atomic_load_n(&g_system->failed_tasks, __ATOMIC_ACQUIRE);
        if (!run_ostest(cpu, "mode=crash")) return false;
        if (__atomic_load_n(&g_system->failed_tasks, __ATOMIC_ACQUIRE) != failed + 1)
            return fail("'ostest mode=crash' from CPU %u's pager was not killed", cpu);
    }
    return pagers_fault_free();
}

/// The OS protocol fuzzed on the NUMA OS: ostest mode=fuzz (userland/apps/ostest/fuzz.cc)
/// from every CPU's pager, each of its random requests answered as it must be (the
/// application pagers serve the same protocol as the base OS). fuzz_calls= and
/// fuzz_seed= on the command line as for the base OS's l4.os.rpc_fuzz (make fuzz).
/// Afterwards every pool holds the frames it held before and the pagers took no fault.
bool rpc_fuzz() {
    if (g_system->find_module("ostest") == nullptr) return fail("no ostest module to run");
    l4::FuzzSettings fuzz;
    const char* bad = "";
    if (!l4::fuzz_settings(command_line(), 300, &fuzz, &bad)) return fail("%s= is not a number", bad);
    l4::printf("rootpager: rpc fuzz: %u requests from each CPU, seed %x (replay: fuzz_calls=%u fuzz_seed=0x%x)\n",
               unsigned(fuzz.calls), fuzz.seed, unsigned(fuzz.calls), fuzz.seed);
    PoolUse before = pool_use();
    for (unsigned cpu = 0; cpu < g_system->cpus; ++cpu) {
        char args[64];
        l4::snprintf(args, sizeof args, "mode=fuzz count=%u seed=0x%x", unsigned(fuzz.calls), fuzz.seed + cpu);
        if (!run_ostest_cleanly(cpu, args)) return false;
    }
    if (!pools_back(before, "after the fuzzing tasks ended")) return false;
    return pagers_fault_free();
}

/// A task that ends gives back every frame: after tasks ran from every CPU's pager,
/// each pool holds exactly the frames it held before.
bool reclaim() {
    if (g_system->find_module("ostest") == nullptr) return fail("no ostest module to run");
    PoolUse before = pool_use();
    for (unsigned cpu = 0; cpu < g_system->cpus; ++cpu)
        if (!run_ostest(cpu, "mode=memory pages=64") || !run_ostest(cpu, "mode=crash")) return false;
    return pools_back(before, "after the tasks ended");
}

constexpr l4::tests::Test kTests[] = {
    {"l4.numa.pools_on_their_nodes", pools_on_their_nodes}, {"l4.numa.one_pager_per_cpu", one_pager_per_cpu},
    {"l4.numa.pager_home_nodes", pager_home_nodes},         {"l4.numa.pager_code_local", pager_code_local},
    {"l4.numa.memoryless_nearest", memoryless_nearest},     {"l4.numa.no_late_pager_faults", no_late_pager_faults},
    {"l4.numa.sigma0_refuses_again", sigma0_refuses_again}, {"l4.numa.os_programs", os_programs},
    {"l4.numa.reclaim", reclaim},                           {"l4.numa.rpc_fuzz", rpc_fuzz},
    {"l4.numa.first_touch", sync_first_touch},              {"l4.numa.one_frame_shared", sync_one_frame_shared},
    {"l4.numa.make_local", sync_make_local},                {"l4.numa.code_promotion", sync_code_promotion},
    {"l4.numa.exit_frees_all", sync_exit_frees_all},
    {"l4.numa.unmap_everywhere", unmap_everywhere},          {"l4.numa.unmap_status", unmap_status},
    {"l4.numa.unmap_read_only", unmap_read_only},            {"l4.numa.unmap_concurrent", unmap_concurrent},
    {"l4.numa.unmap_refused", unmap_refused},                {"l4.numa.unmap_ostest", unmap_ostest},
    {"l4.numa.migrate_threads", migrate_threads},            {"l4.numa.migrate_last_thread", migrate_last_thread},
    {"l4.numa.migrate_ostest", migrate_ostest},
};

}  // namespace

bool run_ostest(unsigned cpu, const char* args) {
    os::SpawnRequest request{};
    memcpy(request.module, "ostest", 7);
    for (unsigned i = 0; i < os::kMaxArgs && args[i] != '\0'; ++i) request.args[i] = args[i];
    if (!l4::rpc::call<os::proto::Spawn>(g_system->pagers[cpu].pager, request).ok())
        return fail("the pager of CPU %u did not start 'ostest %s'", cpu, args);
    return wait_for_tasks();
}

bool run_ostest_cleanly(unsigned cpu, const char* args) {
    unsigned failed = __atomic_load_n(&g_system->failed_tasks, __ATOMIC_ACQUIRE);
    if (!run_ostest(cpu, args)) return false;
    if (__atomic_load_n(&g_system->failed_tasks, __ATOMIC_ACQUIRE) != failed)
        return fail("'ostest %s' from CPU %u's pager failed (its output above says why)", args, cpu);
    return true;
}

bool run_ostest_from_both_ends(const char* args) {
    if (g_system->find_module("ostest") == nullptr) return fail("no ostest module to run");
    return run_ostest_cleanly(0, args) && run_ostest_cleanly(g_system->cpus - 1, args);
}

PoolUse pool_use() {
    PoolUse use{};
    for (unsigned node = 0; node < g_system->nodes; ++node)
        if (g_system->has_pool[node]) use.frames[node] = numa::Pool::of_node(node).frames_in_use();
    return use;
}

bool pools_back(const PoolUse& before, const char* after_what) {
    PoolUse after = pool_use();
    for (unsigned node = 0; node < g_system->nodes; ++node)
        if (after.frames[node] != before.frames[node])
            return fail("node %u's pool holds %u frames %s, %u before", node, unsigned(after.frames[node]), after_what,
                        unsigned(before.frames[node]));
    return true;
}

bool numa_tests_requested() { return l4::tests::requested(command_line(), "l4.numa."); }

void run_numa_tests(numa::System& system) {
    g_system = &system;
    l4::tests::run_tests(command_line(), "l4.numa.", kTests, sizeof kTests / sizeof kTests[0], wait_for_tasks,
                         "rootpager");
}

}  // namespace rootpager
