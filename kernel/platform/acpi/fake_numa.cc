// fake_numa.cc: numa=fake:N node layout (see fake_numa.h).
#include "platform/acpi/fake_numa.h"

#include "platform/acpi/diag.h"
#include "platform/acpi/slit.h"

namespace acpi {
namespace {

using platform::kMaxNodes;
using platform::MemRange;

// The whole pages inside `range` (base rounded up, end rounded down).
MemRange whole_pages(const MemRange& range) {
    if (range.end <= range.base || range.base > ~uint64_t(0) - kFakePageSize) return {0, 0};
    uint64_t base = (range.base + kFakePageSize - 1) & ~(kFakePageSize - 1);
    uint64_t end = range.end & ~(kFakePageSize - 1);
    return end > base ? MemRange{base, end} : MemRange{0, 0};
}

void append_range(platform::NodeInfo& node, unsigned node_index, const MemRange& range,
                  kstd::CharSink& diag) {
    if (node.num_ranges == platform::kMaxRangesPerNode) {
        warn(diag, "fake node %u has more than %u memory ranges, 0x%llx-0x%llx dropped",
             node_index, platform::kMaxRangesPerNode, (unsigned long long)range.base,
             (unsigned long long)range.end);
        return;
    }
    node.ranges[node.num_ranges++] = range;
}

}  // namespace

void lay_out_fake_nodes(const MemRange* ram, size_t num_ram, unsigned requested,
                        platform::Topology& out, kstd::CharSink& diag) {
    uint64_t total_pages = 0;
    for (size_t i = 0; i < num_ram; ++i) {
        MemRange r = whole_pages(ram[i]);
        total_pages += (r.end - r.base) / kFakePageSize;
    }

    unsigned count = requested;
    if (count < 1) count = 1;
    if (count > kMaxNodes) count = kMaxNodes;
    if (total_pages != 0 && count > total_pages) count = unsigned(total_pages);
    if (count != requested)
        warn(diag, "numa=fake:%u adjusted to %u nodes", requested, count);

    out.source = platform::TopologySource::Fake;
    out.num_nodes = count;
    for (unsigned n = 0; n < count; ++n) {
        out.nodes[n].proximity_domain = n;
        out.nodes[n].num_ranges = 0;
    }

    // Deal the pages out in address order: node n gets `share` pages, the last
    // node whatever is left.
    uint64_t share = total_pages / count;
    unsigned node = 0;
    uint64_t node_left = count == 1 ? total_pages : share;
    for (size_t i = 0; i < num_ram; ++i) {
        MemRange r = whole_pages(ram[i]);
        while (r.base < r.end) {
            while (node_left == 0 && node + 1 < count) {
                ++node;
                node_left = node + 1 == count ? total_pages - share * node : share;
            }
            uint64_t pages = (r.end - r.base) / kFakePageSize;
            uint64_t take = pages < node_left ? pages : node_left;
            if (take == 0) break;  // cannot happen: the last node takes the rest
            MemRange piece = {r.base, r.base + take * kFakePageSize};
            append_range(out.nodes[node], node, piece, diag);
            r.base = piece.end;
            node_left -= take;
        }
    }

    for (unsigned cpu = 0; cpu < out.num_cpus; ++cpu)
        out.cpus[cpu].node = unsigned(uint64_t(cpu) * count / out.num_cpus);
    set_default_distances(out);
}

}  // namespace acpi
