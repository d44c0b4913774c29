// slit.cc: the SLIT parser (see slit.h).
#include "platform/acpi/slit.h"

#include "platform/acpi/diag.h"
#include "platform/acpi/tables.h"

namespace acpi {
namespace {

uint8_t default_distance(unsigned from, unsigned to) {
    return from == to ? platform::kLocalDistance : platform::kRemoteDistance;
}

}  // namespace

void set_default_distances(platform::Topology& out) {
    for (unsigned i = 0; i < out.num_nodes; ++i)
        for (unsigned j = 0; j < out.num_nodes; ++j) out.distance[i][j] = default_distance(i, j);
}

bool try_parse_slit(PhysReader& reader, const TableLocation& slit, platform::Topology& out,
                    kstd::CharSink& diag) {
    if (slit.length < sizeof(SlitHeader) || slit.length > PhysReader::kMaxWindow) {
        warn(diag, "SLIT length %u is out of range, ignored", unsigned(slit.length));
        return false;
    }
    const uint8_t* table = reader.map(slit.phys, slit.length);
    if (table == nullptr) {
        warn(diag, "SLIT at 0x%llx is not readable, ignored", (unsigned long long)slit.phys);
        return false;
    }
    // The matrix must fit: N * N bytes after the header. Bounding N first keeps
    // N * N from overflowing.
    uint64_t count = load<SlitHeader>(table).locality_count;
    uint64_t room = slit.length - sizeof(SlitHeader);
    if (count == 0 || count > room || count * count > room) {
        warn(diag, "SLIT locality count %llu does not fit its %u-byte table, ignored",
             (unsigned long long)count, unsigned(slit.length));
        return false;
    }
    const uint8_t* matrix = table + sizeof(SlitHeader);

    for (unsigned i = 0; i < out.num_nodes; ++i) {
        uint64_t from = out.nodes[i].proximity_domain;
        if (from >= count)
            warn(diag, "SLIT has no row for domain %llu (node %u), using %u/%u",
                 (unsigned long long)from, i, unsigned(platform::kLocalDistance),
                 unsigned(platform::kRemoteDistance));
        for (unsigned j = 0; j < out.num_nodes; ++j) {
            uint64_t to = out.nodes[j].proximity_domain;
            out.distance[i][j] = (from < count && to < count) ? matrix[from * count + to]
                                                              : default_distance(i, j);
        }
    }
    return true;
}

}  // namespace acpi
