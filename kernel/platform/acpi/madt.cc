// madt.cc: the MADT parser (see madt.h).
#include "platform/acpi/madt.h"

#include "platform/acpi/diag.h"
#include "platform/acpi/entry_cursor.h"
#include "platform/acpi/tables.h"

namespace acpi {
namespace {

// The smallest valid length of each entry type we decode or know.
uint32_t min_length(uint8_t type) {
    switch (type) {
    case kMadtLocalApic: return sizeof(MadtLocalApic);
    case kMadtIoApic: return sizeof(MadtIoApic);
    case kMadtInterruptOverride: return sizeof(MadtInterruptOverride);
    case kMadtLocalApicNmi: return sizeof(MadtLocalApicNmi);
    case kMadtLocalApicAddressOverride: return sizeof(MadtLocalApicAddressOverride);
    case kMadtLocalX2Apic: return sizeof(MadtLocalX2Apic);
    default: return sizeof(EntryHeader);
    }
}

// Collects enabled CPUs, dropping duplicates and those beyond kMaxCpus.
class CpuList {
public:
    explicit CpuList(kstd::CharSink& diag) : m_diag(diag) {}

    void add(uint32_t apic_id) {
        for (unsigned i = 0; i < m_count; ++i) {
            if (m_apic_ids[i] == apic_id) {
                warn(m_diag, "MADT lists APIC id %u twice, second entry ignored", unsigned(apic_id));
                return;
            }
        }
        if (m_count == platform::kMaxCpus) {
            if (!m_overflow_reported)
                warn(m_diag, "MADT lists more than %u CPUs, extra CPUs ignored", platform::kMaxCpus);
            m_overflow_reported = true;
            return;
        }
        m_apic_ids[m_count++] = apic_id;
    }

    unsigned count() const { return m_count; }
    uint32_t apic_id(unsigned i) const { return m_apic_ids[i]; }

private:
    kstd::CharSink& m_diag;
    uint32_t m_apic_ids[platform::kMaxCpus] = {};
    unsigned m_count = 0;
    bool m_overflow_reported = false;
};

}  // namespace

bool try_parse_madt(PhysReader& reader, const TableLocation& madt, platform::Topology& out,
                    kstd::CharSink& diag) {
    if (madt.length < sizeof(MadtHeader)) {
        warn(diag, "MADT is %u bytes, shorter than its header, ignored", unsigned(madt.length));
        return false;
    }
    if (madt.length > PhysReader::kMaxWindow) {
        warn(diag, "MADT is %u bytes, too large to map, ignored", unsigned(madt.length));
        return false;
    }
    const uint8_t* table = reader.map(madt.phys, madt.length);
    if (table == nullptr) {
        warn(diag, "MADT at 0x%llx is not readable, ignored", (unsigned long long)madt.phys);
        return false;
    }

    // Pass 1: the entry list must be well formed from start to end.
    EntryCursor check(table, madt.length, sizeof(MadtHeader));
    while (check.next()) {
    }
    if (check.malformed()) {
        warn(diag, "MADT entry at offset %u has length %u past the table end, MADT ignored",
             unsigned(check.offset()), unsigned(check.length()));
        return false;
    }

    // Pass 2: read the CPUs and the LAPIC base.
    uint64_t lapic_phys = load<MadtHeader>(table).local_apic_address;
    CpuList cpus(diag);
    EntryCursor entry(table, madt.length, sizeof(MadtHeader));
    while (entry.next()) {
        if (entry.length() < min_length(entry.type())) {
            warn(diag, "MADT entry type %u at offset %u is %u bytes, shorter than %u, skipped",
                 unsigned(entry.type()), unsigned(entry.offset()), unsigned(entry.length()),
                 unsigned(min_length(entry.type())));
            continue;
        }
        switch (entry.type()) {
        case kMadtLocalApic: {
            auto lapic = load<MadtLocalApic>(entry.bytes());
            if (lapic.flags & kMadtCpuEnabled) cpus.add(lapic.apic_id);
            break;
        }
        case kMadtLocalX2Apic: {
            auto x2apic = load<MadtLocalX2Apic>(entry.bytes());
            if (x2apic.flags & kMadtCpuEnabled) cpus.add(x2apic.x2apic_id);
            break;
        }
        case kMadtLocalApicAddressOverride:
            lapic_phys = load<MadtLocalApicAddressOverride>(entry.bytes()).address;
            break;
        default: break;  // I/O APICs, overrides, NMIs: the interrupt code's business
        }
    }
    if (cpus.count() == 0) {
        warn(diag, "MADT lists no enabled CPU, ignored");
        return false;
    }

    out.num_cpus = cpus.count();
    for (unsigned i = 0; i < cpus.count(); ++i) out.cpus[i] = {cpus.apic_id(i), 0};
    out.lapic_phys = lapic_phys;
    return true;
}

}  // namespace acpi
