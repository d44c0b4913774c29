// migrate_tests.cc: Lab 7's tests (migrate_tests.h). The probe's modes are drawn in
// userland/apps/numaprobe/migrate_modes.h; here is what the kernel must show at each of
// their reports: where each thread's space, UTCB and TCB are, how many spaces and
// threads exist, and how many frames each pool holds. Nothing here reads the pagers'
// records.
#include "migrate_tests.h"

#include "l4/kdebug.h"
#include "l4/kip.h"
#include "l4/print.h"
#include "l4/test_runner.h"
#include "probe_runs.h"
#include "test_support.h"

namespace rootpager {

namespace {

using l4::kdebug::Statistic;
using l4::tests::fail;

/// The kernel's counts and the pools at one moment.
struct Counts {
    unsigned spaces;
    unsigned threads;
    PoolUse pools;
};

Counts count_now() {
    return {l4::kdebug::kernel_statistic(Statistic::Spaces), l4::kdebug::kernel_statistic(Statistic::Threads),
            pool_use()};
}

Counts g_before;       ///< before the probe started
Counts g_at_report1;   ///< mode leave: at report 1
unsigned g_probe_cpu;  ///< where the probe's main thread runs

/// Mode migrate's away(i), as the probe computes it.
unsigned away_cpu(unsigned cpu, unsigned cpus) {
    for (unsigned k = 1; k < cpus; ++k)
        if (l4::processor_node((cpu + k) % cpus) != l4::processor_node(cpu)) return (cpu + k) % cpus;
    return (cpu + 1) % cpus;
}

/// Thread i's space, UTCB and TCB are on `node` (UTCB and TCB: in the kernel pool that
/// serves `node`, the nearest with memory for a memoryless one).
bool placed_on(const ProbeReport& r, unsigned i, unsigned node) {
    unsigned number = number_of(r, i), memory = nearest_with_memory(node);
    if (space_node(r, i) != node)
        return fail("report %u: thread %u (%x) is in a space of node %u, not in its task's space of node %u",
                    unsigned(r.phase), i, r.threads[i].raw(), space_node(r, i), node);
    if (unsigned utcb = l4::kdebug::utcb_node(number); utcb != memory)
        return fail("report %u: thread %u's UTCB is in node %u's memory, not node %u's", unsigned(r.phase), i, utcb,
                    memory);
    if (unsigned tcb = l4::kdebug::tcb_node(number); tcb != memory)
        return fail("report %u: thread %u's TCB is in node %u's memory, not node %u's", unsigned(r.phase), i, tcb,
                    memory);
    return true;
}

/// The distinct nodes of the CPUs `cpu_of(0 .. count - 1)` and of `extra`.
template <typename CpuOf>
unsigned distinct_nodes(unsigned count, CpuOf cpu_of, unsigned extra) {
    bool seen[numa::kMaxNodes] = {};
    unsigned nodes = 0;
    auto add = [&](unsigned cpu) {
        unsigned node = l4::processor_node(cpu);
        if (!seen[node]) ++nodes;
        seen[node] = true;
    };
    for (unsigned i = 0; i < count; ++i) add(cpu_of(i));
    add(extra);
    return nodes;
}

/// The probe's task has `spaces` spaces and `threads` threads besides what existed
/// before it started (a dummy thread left behind, or a space nobody is in, shows here).
bool task_counts(const ProbeReport& r, unsigned spaces, unsigned threads) {
    Counts now = count_now();
    if (now.threads != g_before.threads + threads)
        return fail("report %u: the kernel has %u threads more than before the probe, not %u (its threads and main "
                    "thread): a dummy thread left over?",
                    unsigned(r.phase), now.threads - g_before.threads, threads);
    if (now.spaces != g_before.spaces + spaces)
        return fail("report %u: the kernel has %u spaces more than before the probe, not %u (one per node the task "
                    "has threads on)",
                    unsigned(r.phase), now.spaces - g_before.spaces, spaces);
    return true;
}

/// 1: thread i is in its task's space on away(i)'s node, with its UTCB and TCB there and
/// its new page first-touched there; one space per node with threads, no dummy left.
bool inspect_migrate(const ProbeReport& r) {
    unsigned cpus = unsigned(r.thread_count);
    for (unsigned i = 0; i < cpus; ++i) {
        unsigned node = l4::processor_node(away_cpu(i, cpus));
        if (!placed_on(r, i, node)) return false;
        Word frame = 0;
        if (!on_own_pool(r, i, cpus + i, &frame)) return false;
    }
    unsigned spaces = distinct_nodes(cpus, [cpus](unsigned i) { return away_cpu(i, cpus); }, g_probe_cpu);
    return task_counts(r, spaces, cpus + 1) && no_probe_failures(r);
}

/// 1: remember the counts. 2: everybody on node X (the last CPU's): one space, and each
/// other node's pool holds fewer frames (the table and the replicas of the node the task
/// left). 3: everybody home: a space per node again.
bool inspect_leave(const ProbeReport& r) {
    numa::System& system = tested_system();
    unsigned cpus = unsigned(r.thread_count);
    unsigned x = l4::processor_node(cpus - 1);
    unsigned home_nodes = distinct_nodes(cpus, [](unsigned i) { return i; }, g_probe_cpu);
    if (r.phase == 1) {
        g_at_report1 = count_now();
        return task_counts(r, home_nodes, cpus + 1) && no_probe_failures(r);
    }
    if (r.phase == 3) {
        for (unsigned i = 0; i < cpus; ++i)
            if (!placed_on(r, i, l4::processor_node(i))) return false;
        return task_counts(r, home_nodes, cpus + 1) && no_probe_failures(r);
    }
    for (unsigned i = 0; i < cpus; ++i)
        if (!placed_on(r, i, x)) return false;
    if (!task_counts(r, 1, cpus + 1)) return false;
    // Each node the task left gave back its table's levels and its code replicas (at
    // least 3 frames) to its pool, unless that pool is also node X's.
    Counts now = count_now();
    unsigned left[numa::kMaxNodes] = {};
    bool seen[numa::kMaxNodes] = {};
    for (unsigned cpu = 0; cpu < cpus; ++cpu) {
        unsigned node = l4::processor_node(cpu);
        if (node != x && !seen[node]) ++left[system.pool_node[node]];
        seen[node] = true;
    }
    for (unsigned pool = 0; pool < system.nodes; ++pool) {
        if (left[pool] == 0 || pool == system.pool_node[x]) continue;
        Word before = g_at_report1.pools.frames[pool], after = now.pools.frames[pool];
        if (after + 3 * left[pool] > before)
            return fail("report 2: node %u's pool holds %u frames, %u when the task still had threads on the %u "
                        "node(s) it serves: the pagers kept the tables of a node the task left",
                        pool, unsigned(after), unsigned(before), left[pool]);
    }
    return no_probe_failures(r);
}

/// Runs the probe from `cpu`; afterwards every pool, the spaces and the threads are
/// exactly back to where they were. A probe that failed is not counted after: the
/// test keeps the message that said why (one message per test).
bool run_and_count(unsigned cpu, const char* args, Word phases, Inspector inspect) {
    g_probe_cpu = cpu;
    g_before = count_now();
    if (!run_probe(cpu, args, phases, inspect, true)) return false;
    if (live_tasks() != 0) return fail("a probe still runs: nothing can be counted");
    if (!pools_back(g_before.pools, "after the probe ended")) return false;
    Counts after = count_now();
    if (after.spaces != g_before.spaces || after.threads != g_before.threads)
        return fail("after the probe ended the kernel has %u spaces and %u threads, %u and %u before", after.spaces,
                    after.threads, g_before.spaces, g_before.threads);
    return true;
}

}  // namespace

bool migrate_threads() { return run_and_count(last_cpu(), "mode=migrate rounds=100", 1, inspect_migrate); }

bool migrate_last_thread() { return run_and_count(0, "mode=leave pages=8", 3, inspect_leave); }

bool migrate_ostest() { return run_ostest_from_both_ends("mode=threads"); }

}  // namespace rootpager
