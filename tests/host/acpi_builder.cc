// acpi_builder.cc: table synthesis for the host tests (see acpi_builder.h).
#include "acpi_builder.h"

#include <string>

namespace test {
namespace {

void put(Bytes& out, uint64_t value, int size) {
    for (int i = 0; i < size; ++i) out.push_back(uint8_t(value >> (8 * i)));
}

uint8_t checksum_for(const Bytes& bytes, size_t len) {
    uint8_t sum = 0;
    for (size_t i = 0; i < len; ++i) sum = uint8_t(sum + bytes[i]);
    return uint8_t(0 - sum);
}

constexpr uint64_t kTableBase = 0x7fe0000;
constexpr uint64_t kBiosRsdp = 0xf5a40;
constexpr uint64_t kEbda = 0x9fc00;
constexpr uint64_t kEbdaRsdp = kEbda + 0x40;

}  // namespace

SdtWriter::SdtWriter(const char* signature, uint8_t revision) {
    m_bytes.assign(signature, signature + 4);
    put(m_bytes, 0, 4);  // length, patched by finish()
    m_bytes.push_back(revision);
    m_bytes.push_back(0);  // checksum, patched by finish()
    for (char c : std::string("PRXIMA") + "PROXTEST") m_bytes.push_back(uint8_t(c));
    put(m_bytes, 1, 4);  // OEM revision
    for (char c : std::string("PRXT")) m_bytes.push_back(uint8_t(c));
    put(m_bytes, 1, 4);  // creator revision
}

SdtWriter& SdtWriter::u8(uint8_t v) { put(m_bytes, v, 1); return *this; }
SdtWriter& SdtWriter::u16(uint16_t v) { put(m_bytes, v, 2); return *this; }
SdtWriter& SdtWriter::u32(uint32_t v) { put(m_bytes, v, 4); return *this; }
SdtWriter& SdtWriter::u64(uint64_t v) { put(m_bytes, v, 8); return *this; }
SdtWriter& SdtWriter::bytes(const Bytes& b) {
    m_bytes.insert(m_bytes.end(), b.begin(), b.end());
    return *this;
}

Bytes SdtWriter::finish() const {
    Bytes out = m_bytes;
    uint32_t length = uint32_t(out.size());
    for (int i = 0; i < 4; ++i) out[4 + i] = uint8_t(length >> (8 * i));
    out[9] = 0;
    out[9] = checksum_for(out, out.size());
    return out;
}

MadtBuilder& MadtBuilder::lapic(uint8_t apic_id, bool enabled) {
    m_entries.insert(m_entries.end(), {0, 8, m_next_uid++, apic_id});
    put(m_entries, enabled ? 1 : 0, 4);
    return *this;
}

MadtBuilder& MadtBuilder::x2apic(uint32_t x2apic_id, bool enabled) {
    m_entries.insert(m_entries.end(), {9, 16, 0, 0});
    put(m_entries, x2apic_id, 4);
    put(m_entries, enabled ? 1 : 0, 4);
    put(m_entries, m_next_uid++, 4);
    return *this;
}

MadtBuilder& MadtBuilder::ioapic(uint8_t id, uint32_t address, uint32_t gsi_base) {
    m_entries.insert(m_entries.end(), {1, 12, id, 0});
    put(m_entries, address, 4);
    put(m_entries, gsi_base, 4);
    return *this;
}

MadtBuilder& MadtBuilder::interrupt_override(uint8_t source, uint32_t gsi, uint16_t flags) {
    m_entries.insert(m_entries.end(), {2, 10, 0, source});
    put(m_entries, gsi, 4);
    put(m_entries, flags, 2);
    return *this;
}

MadtBuilder& MadtBuilder::lapic_nmi(uint8_t processor_uid, uint8_t lint) {
    m_entries.insert(m_entries.end(), {4, 6, processor_uid, 0, 0, lint});
    return *this;
}

MadtBuilder& MadtBuilder::lapic_override(uint64_t address) {
    m_entries.insert(m_entries.end(), {5, 12, 0, 0});
    put(m_entries, address, 8);
    return *this;
}

MadtBuilder& MadtBuilder::raw(const Bytes& entry) {
    m_entries.insert(m_entries.end(), entry.begin(), entry.end());
    return *this;
}

Bytes MadtBuilder::build() const {
    return SdtWriter("APIC", 3).u32(m_lapic_phys).u32(1).bytes(m_entries).finish();
}

SratBuilder& SratBuilder::cpu(uint8_t apic_id, uint32_t domain, bool enabled) {
    m_entries.insert(m_entries.end(), {0, 16, uint8_t(domain), apic_id});
    put(m_entries, enabled ? 1 : 0, 4);
    m_entries.push_back(0);          // local SAPIC EID
    put(m_entries, domain >> 8, 3);  // proximity domain bits 31:8
    put(m_entries, 0, 4);            // clock domain
    return *this;
}

SratBuilder& SratBuilder::x2apic(uint32_t x2apic_id, uint32_t domain, bool enabled) {
    m_entries.insert(m_entries.end(), {2, 24, 0, 0});
    put(m_entries, domain, 4);
    put(m_entries, x2apic_id, 4);
    put(m_entries, enabled ? 1 : 0, 4);
    put(m_entries, 0, 8);  // clock domain, reserved
    return *this;
}

SratBuilder& SratBuilder::memory(uint32_t domain, uint64_t base, uint64_t length,
                                 uint32_t flags) {
    m_entries.insert(m_entries.end(), {1, 40});
    put(m_entries, domain, 4);
    put(m_entries, 0, 2);
    put(m_entries, base, 8);
    put(m_entries, length, 8);
    put(m_entries, 0, 4);
    put(m_entries, flags, 4);
    put(m_entries, 0, 8);
    return *this;
}

SratBuilder& SratBuilder::raw(const Bytes& entry) {
    m_entries.insert(m_entries.end(), entry.begin(), entry.end());
    return *this;
}

Bytes SratBuilder::build() const {
    return SdtWriter("SRAT", m_revision).u32(1).u64(0).bytes(m_entries).finish();
}

Bytes build_slit(const std::vector<Bytes>& matrix) {
    SdtWriter slit("SLIT", 1);
    slit.u64(matrix.size());
    for (const Bytes& row : matrix) slit.bytes(row);
    return slit.finish();
}

Bytes build_table(const char* signature, const Bytes& body, uint8_t revision) {
    return SdtWriter(signature, revision).bytes(body).finish();
}

AcpiImage ImageBuilder::build(Layout* layout) const {
    AcpiImage image;
    Layout where;
    uint64_t cursor = kTableBase;
    auto place = [&](const Bytes& bytes) {
        uint64_t at = cursor;
        image.write(at, bytes);
        cursor += bytes.size();
        return at;
    };

    std::vector<uint64_t> entries;
    if (m_fadt) {
        where.dsdt = place(build_table("DSDT", m_dsdt_aml, 2));
        Bytes body(244 - 36, 0);  // ACPI 5 FADT; DSDT at offset 40, X_DSDT at 140
        for (int i = 0; i < 4; ++i) body[40 - 36 + i] = uint8_t(where.dsdt >> (8 * i));
        for (int i = 0; i < 8; ++i) body[140 - 36 + i] = uint8_t(where.dsdt >> (8 * i));
        where.fadt = place(build_table("FACP", body, 5));
        entries.push_back(where.fadt);
    }
    for (const Bytes& t : m_tables) {
        where.tables.push_back(place(t));
        entries.push_back(where.tables.back());
    }
    entries.insert(entries.end(), m_raw_entries.begin(), m_raw_entries.end());

    if (m_root != Root::XsdtOnly) {
        SdtWriter rsdt("RSDT", 1);
        for (uint64_t e : entries) rsdt.u32(uint32_t(e));
        where.rsdt = place(rsdt.finish());
    }
    if (m_root != Root::Rsdt) {
        SdtWriter xsdt("XSDT", 1);
        for (uint64_t e : entries) xsdt.u64(e);
        where.xsdt = place(xsdt.finish());
    }

    Bytes rsdp;
    for (char c : std::string("RSD PTR ")) rsdp.push_back(uint8_t(c));
    rsdp.push_back(0);
    for (char c : std::string("PRXIMA")) rsdp.push_back(uint8_t(c));
    rsdp.push_back(m_root == Root::Rsdt ? 0 : 2);
    put(rsdp, where.rsdt, 4);
    rsdp[8] = checksum_for(rsdp, 20);
    if (m_root != Root::Rsdt) {
        put(rsdp, 36, 4);
        put(rsdp, where.xsdt, 8);
        put(rsdp, 0, 4);  // extended checksum and 3 reserved bytes
        rsdp[32] = checksum_for(rsdp, 36);
    }
    where.rsdp = m_rsdp_in_ebda ? kEbdaRsdp : kBiosRsdp;
    if (m_rsdp_in_ebda) image.write(0x40e, {uint8_t(kEbda >> 4), uint8_t(kEbda >> 12)});
    image.write(where.rsdp, rsdp);

    if (layout != nullptr) *layout = where;
    return image;
}

}  // namespace test
