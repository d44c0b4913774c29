// kernel_counts.cc: the leak check's counts (kernel_counts.h).
#include "kernel_counts.h"

#include "l4/kdebug.h"
#include "l4/message.h"
#include "l4/ipc.h"

namespace l4test {

KernelCounts kernel_counts() {
    using l4::kdebug::Statistic;
    (void)l4::sleep(l4::milliseconds(10));
    auto count = [](Statistic which) { return l4::kdebug::kernel_statistic(which); };
    // The per-node pools, until the first node the kernel refuses (at most 16).
    unsigned pools = 0;
    for (unsigned node = 0; node < 16; ++node) {
        unsigned free = l4::kdebug::kernel_pool_free_bytes(node);
        if (free == ~0u) break;
        pools += free;
    }
    return {count(Statistic::Spaces),     count(Statistic::Threads),         count(Statistic::MappingNodes),
            count(Statistic::PageTables), count(Statistic::FreeKernelBytes), pools};
}

bool counts_back(TestContext& t, const KernelCounts& before, const KernelCounts& after) {
    const struct {
        const char* what;
        unsigned before, after;
    } counts[] = {
        {"spaces", before.spaces, after.spaces},
        {"threads", before.threads, after.threads},
        {"mapping nodes", before.mapping_nodes, after.mapping_nodes},
        {"page tables", before.page_tables, after.page_tables},
        {"free kernel bytes", before.free_bytes, after.free_bytes},
    };
    for (const auto& c : counts)
        if (c.before != c.after) {
            t.fail("%s: %u before, %u after", c.what, c.before, c.after);
            return false;
        }
    if (after.pool_free_sum != after.free_bytes) {
        t.fail("the per-node pools' free bytes add up to %u, the total says %u", after.pool_free_sum,
               after.free_bytes);
        return false;
    }
    return true;
}

}  // namespace l4test
