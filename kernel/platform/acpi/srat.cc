// srat.cc: the SRAT parser (see srat.h).
#include "platform/acpi/srat.h"

#include "platform/acpi/diag.h"
#include "platform/acpi/entry_cursor.h"
#include "platform/acpi/tables.h"

namespace acpi {
namespace {

using platform::kMaxCpus;
using platform::kMaxNodes;
using platform::kMaxRangesPerNode;

// One SRAT entry reduced to what matters here.
struct Affinity {
    enum class Kind { Other, Cpu, Memory } kind = Kind::Other;
    bool enabled = false;
    uint32_t domain = 0;
    uint32_t apic_id = 0;  // Kind::Cpu
    uint64_t base = 0;     // Kind::Memory
    uint64_t length = 0;
};

// Decodes the entry under `e`. `diag` is null on the second walk so that each
// problem is reported once. Returns false for entries to skip entirely.
//
// SRAT revision 1 (ACPI 2.0) defined only 8-bit proximity domains; firmware of
// that era left garbage in the bytes ACPI 3.0 later gave the upper bits, so
// for revision 1 tables only the low byte counts (Linux does the same).
bool decode(const EntryCursor& e, uint8_t revision, Affinity& out, kstd::CharSink* diag) {
    uint32_t need = 0;
    switch (e.type()) {
    case kSratProcessorAffinity: need = sizeof(SratProcessorAffinity); break;
    case kSratMemoryAffinity: need = sizeof(SratMemoryAffinity); break;
    case kSratX2ApicAffinity: need = sizeof(SratX2ApicAffinity); break;
    default: return false;  // GICC, ITS, generic initiators: not on IA32
    }
    if (e.length() < need) {
        if (diag != nullptr)
            warn(*diag, "SRAT entry type %u at offset %u is %u bytes, shorter than %u, skipped",
                 unsigned(e.type()), unsigned(e.offset()), unsigned(e.length()), unsigned(need));
        return false;
    }
    out = Affinity{};
    if (e.type() == kSratProcessorAffinity) {
        auto cpu = load<SratProcessorAffinity>(e.bytes());
        out.kind = Affinity::Kind::Cpu;
        out.enabled = (cpu.flags & kSratEnabled) != 0;
        out.apic_id = cpu.apic_id;
        out.domain = cpu.proximity_domain_low;
        if (revision >= 2)
            out.domain |= uint32_t(cpu.proximity_domain_high[0]) << 8 |
                          uint32_t(cpu.proximity_domain_high[1]) << 16 |
                          uint32_t(cpu.proximity_domain_high[2]) << 24;
    } else if (e.type() == kSratX2ApicAffinity) {
        auto cpu = load<SratX2ApicAffinity>(e.bytes());
        out.kind = Affinity::Kind::Cpu;
        out.enabled = (cpu.flags & kSratEnabled) != 0;
        out.apic_id = cpu.x2apic_id;
        out.domain = cpu.proximity_domain;
    } else {
        auto mem = load<SratMemoryAffinity>(e.bytes());
        out.kind = Affinity::Kind::Memory;
        // Zero-length entries are padding: QEMU appends disabled, zeroed ones.
        out.enabled = (mem.flags & kSratEnabled) != 0 && mem.length != 0;
        out.domain = revision >= 2 ? mem.proximity_domain : mem.proximity_domain & 0xff;
        out.base = mem.base;
        out.length = mem.length;
        if (out.enabled && mem.base + mem.length < mem.base) {
            if (diag != nullptr)
                warn(*diag, "SRAT memory range at 0x%llx wraps around, skipped",
                     (unsigned long long)mem.base);
            return false;
        }
    }
    return out.enabled;
}

// The proximity domains seen so far in ascending order; a domain's index in
// the set is its dense node number.
class DomainSet {
public:
    bool try_add(uint32_t domain) {
        unsigned pos = 0;
        while (pos < m_count && m_domains[pos] < domain) ++pos;
        if (pos < m_count && m_domains[pos] == domain) return true;
        if (m_count == kMaxNodes) return false;
        for (unsigned i = m_count; i > pos; --i) m_domains[i] = m_domains[i - 1];
        m_domains[pos] = domain;
        ++m_count;
        return true;
    }
    unsigned index_of(uint32_t domain) const {
        for (unsigned i = 0; i < m_count; ++i)
            if (m_domains[i] == domain) return i;
        return m_count;
    }
    unsigned count() const { return m_count; }
    uint32_t domain(unsigned node) const { return m_domains[node]; }

private:
    uint32_t m_domains[kMaxNodes] = {};
    unsigned m_count = 0;
};

unsigned find_cpu(const platform::Topology& topo, uint32_t apic_id) {
    for (unsigned i = 0; i < topo.num_cpus; ++i)
        if (topo.cpus[i].apic_id == apic_id) return i;
    return topo.num_cpus;
}

}  // namespace

bool try_parse_srat(PhysReader& reader, const TableLocation& srat, platform::Topology& out,
                    kstd::CharSink& diag) {
    if (srat.length < sizeof(SratHeader) || srat.length > PhysReader::kMaxWindow) {
        warn(diag, "SRAT length %u is out of range, ignored", unsigned(srat.length));
        return false;
    }
    const uint8_t* table = reader.map(srat.phys, srat.length);
    if (table == nullptr) {
        warn(diag, "SRAT at 0x%llx is not readable, ignored", (unsigned long long)srat.phys);
        return false;
    }
    EntryCursor check(table, srat.length, sizeof(SratHeader));
    while (check.next()) {
    }
    if (check.malformed()) {
        warn(diag, "SRAT entry at offset %u has length %u past the table end, SRAT ignored",
             unsigned(check.offset()), unsigned(check.length()));
        return false;
    }
    uint8_t revision = load<SdtHeader>(table).revision;

    // Walk 1: which domain each MADT CPU is in, and the set of domains.
    uint32_t cpu_domain[kMaxCpus] = {};
    bool cpu_placed[kMaxCpus] = {};
    DomainSet domains;
    Affinity a;
    EntryCursor walk1(table, srat.length, sizeof(SratHeader));
    while (walk1.next()) {
        if (!decode(walk1, revision, a, &diag)) continue;
        if (a.kind == Affinity::Kind::Cpu) {
            unsigned cpu = find_cpu(out, a.apic_id);
            if (cpu == out.num_cpus) continue;  // not enabled in the MADT (e.g. hotplug slot)
            if (cpu_placed[cpu]) {
                if (cpu_domain[cpu] != a.domain)
                    warn(diag, "SRAT puts APIC id %u in domains %u and %u, keeping %u",
                         unsigned(a.apic_id), unsigned(cpu_domain[cpu]), unsigned(a.domain),
                         unsigned(cpu_domain[cpu]));
                continue;
            }
            cpu_placed[cpu] = true;
            cpu_domain[cpu] = a.domain;
        }
        if (!domains.try_add(a.domain)) {
            warn(diag, "SRAT names more than %u proximity domains, SRAT ignored", kMaxNodes);
            return false;
        }
    }
    if (domains.count() == 0) {
        warn(diag, "SRAT names no enabled CPU or memory, SRAT ignored");
        return false;
    }

    // Walk 2: memory ranges, per node in SRAT order.
    out.num_nodes = domains.count();
    for (unsigned n = 0; n < domains.count(); ++n) {
        out.nodes[n].proximity_domain = domains.domain(n);
        out.nodes[n].num_ranges = 0;
    }
    EntryCursor walk2(table, srat.length, sizeof(SratHeader));
    while (walk2.next()) {
        if (!decode(walk2, revision, a, nullptr) || a.kind != Affinity::Kind::Memory) continue;
        platform::NodeInfo& node = out.nodes[domains.index_of(a.domain)];
        if (node.num_ranges == kMaxRangesPerNode) {
            warn(diag, "domain %u has more than %u memory ranges, 0x%llx-0x%llx dropped",
                 unsigned(a.domain), kMaxRangesPerNode, (unsigned long long)a.base,
                 (unsigned long long)(a.base + a.length));
            continue;
        }
        node.ranges[node.num_ranges++] = {a.base, a.base + a.length};
    }

    for (unsigned cpu = 0; cpu < out.num_cpus; ++cpu) {
        if (cpu_placed[cpu]) {
            out.cpus[cpu].node = domains.index_of(cpu_domain[cpu]);
        } else {
            warn(diag, "CPU %u (APIC id %u) has no SRAT entry, placed on node 0", cpu,
                 unsigned(out.cpus[cpu].apic_id));
            out.cpus[cpu].node = 0;
        }
    }
    return true;
}

}  // namespace acpi
