// acpi_builder.h: synthesising ACPI tables for host tests.
//
// Builds byte-exact RSDP, RSDT/XSDT, MADT, SRAT and SLIT with correct lengths
// and checksums, and places them in an AcpiImage the way firmware would, so a
// test can describe an unusual machine in a few lines:
//
//   MadtBuilder madt;  madt.lapic(0).lapic(1);
//   SratBuilder srat;  srat.cpu(0, 0).cpu(1, 5).memory(0, 0, 0x8000000);
//   ImageBuilder image;  image.table(madt.build()).table(srat.build());
//   Layout where;  AcpiImage mem = image.build(&where);
//
// Tests that need broken tables corrupt the image afterwards (the Layout says
// where each table went) or add raw entries before building.
#pragma once

#include <stdint.h>

#include <vector>

#include "acpi_image.h"

namespace test {

using Bytes = std::vector<uint8_t>;

/// Little-endian byte appender with SDT length/checksum patching.
class SdtWriter {
public:
    SdtWriter(const char* signature, uint8_t revision);
    SdtWriter& u8(uint8_t v);
    SdtWriter& u16(uint16_t v);
    SdtWriter& u32(uint32_t v);
    SdtWriter& u64(uint64_t v);
    SdtWriter& bytes(const Bytes& b);
    /// The table with its length field and checksum filled in.
    Bytes finish() const;

private:
    Bytes m_bytes;
};

class MadtBuilder {
public:
    explicit MadtBuilder(uint32_t lapic_phys = 0xFEE00000) : m_lapic_phys(lapic_phys) {}
    MadtBuilder& lapic(uint8_t apic_id, bool enabled = true);
    MadtBuilder& x2apic(uint32_t x2apic_id, bool enabled = true);
    MadtBuilder& ioapic(uint8_t id, uint32_t address, uint32_t gsi_base);
    MadtBuilder& interrupt_override(uint8_t source, uint32_t gsi, uint16_t flags);
    MadtBuilder& lapic_nmi(uint8_t processor_uid, uint8_t lint);
    MadtBuilder& lapic_override(uint64_t address);
    /// Appends an entry exactly as given (type and length bytes included).
    MadtBuilder& raw(const Bytes& entry);
    Bytes build() const;

private:
    uint32_t m_lapic_phys;
    uint8_t m_next_uid = 0;
    Bytes m_entries;
};

class SratBuilder {
public:
    /// QEMU writes revision 1; ACPI 3.0+ firmware 2 or 3 (32-bit CPU domains).
    explicit SratBuilder(uint8_t revision = 3) : m_revision(revision) {}
    SratBuilder& cpu(uint8_t apic_id, uint32_t domain, bool enabled = true);
    SratBuilder& x2apic(uint32_t x2apic_id, uint32_t domain, bool enabled = true);
    SratBuilder& memory(uint32_t domain, uint64_t base, uint64_t length, uint32_t flags = 1);
    SratBuilder& raw(const Bytes& entry);
    Bytes build() const;

private:
    uint8_t m_revision;
    Bytes m_entries;
};

/// A SLIT from a square matrix indexed by proximity domain.
Bytes build_slit(const std::vector<Bytes>& matrix);

/// Any SDT with the given signature and body (e.g. a DSDT with a few AML bytes).
Bytes build_table(const char* signature, const Bytes& body = {}, uint8_t revision = 1);

/// Where ImageBuilder::build() put things.
struct Layout {
    uint64_t rsdp = 0;
    uint64_t rsdt = 0;  // 0 if none
    uint64_t xsdt = 0;  // 0 if none
    std::vector<uint64_t> tables;  // in the order of ImageBuilder::table() calls
    uint64_t fadt = 0;
    uint64_t dsdt = 0;
};

class ImageBuilder {
public:
    /// Rsdt: ACPI 1.0 (20-byte RSDP, RSDT only). Both: ACPI 2.0 RSDP with an
    /// RSDT and an XSDT listing the same tables. XsdtOnly: ACPI 2.0 RSDP whose
    /// RSDT address is 0.
    enum class Root { Rsdt, Both, XsdtOnly };

    ImageBuilder& root(Root root) { m_root = root; return *this; }
    /// Put the RSDP in the EBDA (found via the word at 0x40E) instead of 0xF5A40.
    ImageBuilder& rsdp_in_ebda() { m_rsdp_in_ebda = true; return *this; }
    /// Lists `bytes` in the root table.
    ImageBuilder& table(const Bytes& bytes) { m_tables.push_back(bytes); return *this; }
    /// Adds a root entry pointing at `phys` as is (e.g. unmapped memory).
    ImageBuilder& raw_entry(uint64_t phys) { m_raw_entries.push_back(phys); return *this; }
    /// Adds a FADT listed in the root that points at a DSDT with `aml` as body.
    ImageBuilder& fadt_with_dsdt(const Bytes& aml) { m_dsdt_aml = aml; m_fadt = true; return *this; }

    /// Tables start at 0x7fe0000 (like QEMU with 128 MiB), packed without
    /// alignment so the parsers meet unaligned fields.
    AcpiImage build(Layout* layout = nullptr) const;

private:
    Root m_root = Root::Both;
    bool m_rsdp_in_ebda = false;
    bool m_fadt = false;
    Bytes m_dsdt_aml;
    std::vector<Bytes> m_tables;
    std::vector<uint64_t> m_raw_entries;
};

}  // namespace test
