// tables.h: the byte layouts of the ACPI structures Proxima reads.
//
// Everything here is fixed by the ACPI specification (chapter 5.2, "ACPI System
// Description Tables"); the static_asserts pin each layout so a typo cannot
// silently shift a field. All multi-byte fields are little-endian, and nothing
// in ACPI memory is guaranteed to be aligned, so a parser never casts a byte
// pointer to one of these structs: it copies the bytes into a local with
// load<T>() and reads the copy.
//
// How the tables hang together:
//
//   RSDP ("RSD PTR ", found by scanning BIOS memory)
//     |-- rsdt_address (32-bit) --> RSDT: header + N x uint32 table addresses
//     '-- xsdt_address (64-bit) --> XSDT: header + N x uint64 table addresses
//                                     |--> "APIC" MADT: CPUs and interrupt controllers
//                                     |--> "SRAT": which CPU/memory is in which domain
//                                     |--> "SLIT": distances between domains
//                                     '--> "FACP", "HPET", ... (not parsed here)
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace acpi {

/// Copies sizeof(T) bytes from an unaligned pointer into a T (x86 is
/// little-endian like ACPI, so the copy is the decode).
template <typename T>
inline T load(const uint8_t* p) {
    T value;
    auto* dst = reinterpret_cast<uint8_t*>(&value);
    for (size_t i = 0; i < sizeof(T); ++i) dst[i] = p[i];
    return value;
}

/// ACPI checksums: all bytes of a structure, including the checksum byte, add
/// up to 0 modulo 256.
inline uint8_t byte_sum(const uint8_t* p, size_t len) {
    uint8_t sum = 0;
    for (size_t i = 0; i < len; ++i) sum = uint8_t(sum + p[i]);
    return sum;
}

inline bool signature_is(const uint8_t* p, const char* sig, size_t len = 4) {
    for (size_t i = 0; i < len; ++i)
        if (p[i] != uint8_t(sig[i])) return false;
    return true;
}

// Root System Description Pointer. Revision 0 (ACPI 1.0) has only the first
// 20 bytes, covered by `checksum`; revision >= 2 adds the rest, covered by
// `extended_checksum` over `length` bytes.
//
//   0        8    9       15   16          20       24            32   33
//   +--------+----+-------+----+-----------+--------+-------------+----+---+
//   |RSD PTR |csum| OEMID |rev |rsdt_addr  | length | xsdt_addr   |xcs |res|
//   +--------+----+-------+----+-----------+--------+-------------+----+---+
struct [[gnu::packed]] Rsdp {
    char signature[8];  // "RSD PTR " (note the trailing space)
    uint8_t checksum;
    char oem_id[6];
    uint8_t revision;  // 0 = ACPI 1.0 (20-byte RSDP), 2 = ACPI 2.0+
    uint32_t rsdt_address;
    // ACPI 2.0+ only:
    uint32_t length;
    uint64_t xsdt_address;
    uint8_t extended_checksum;
    uint8_t reserved[3];
};
inline constexpr size_t kRsdpV1Size = 20;
inline constexpr size_t kRsdpV2Size = 36;
static_assert(sizeof(Rsdp) == kRsdpV2Size);
static_assert(offsetof(Rsdp, rsdt_address) == 16);
static_assert(offsetof(Rsdp, length) == kRsdpV1Size);
static_assert(offsetof(Rsdp, xsdt_address) == 24);

// The header every System Description Table starts with; `length` counts the
// whole table including this header, and all `length` bytes sum to 0.
//
//   0     4        8   9    10      16            24         28       32       36
//   +-----+--------+---+----+-------+-------------+----------+--------+--------+
//   | sig | length |rev|csum| OEMID | OEM table id| OEM rev  |creator |cr. rev |
//   +-----+--------+---+----+-------+-------------+----------+--------+--------+
struct [[gnu::packed]] SdtHeader {
    char signature[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
};
static_assert(sizeof(SdtHeader) == 36);
static_assert(offsetof(SdtHeader, length) == 4);
static_assert(offsetof(SdtHeader, checksum) == 9);

// MADT ("APIC"): the header is followed by variable-length entries, each
// starting with a type byte and a length byte (the same scheme as the SRAT):
//
//   36            40      44                                          length
//   +-------------+-------+------+-----+-------...----+------+-----+---+
//   | LAPIC addr  | flags | type | len | body         | type | len |...|
//   +-------------+-------+------+-----+-------...----+------+-----+---+
struct [[gnu::packed]] MadtHeader {
    SdtHeader header;  // signature "APIC"
    uint32_t local_apic_address;  // 32-bit LAPIC base; entry type 5 may override
    uint32_t flags;               // bit 0: PC-AT dual 8259 PICs present
};
static_assert(sizeof(MadtHeader) == 44);

struct [[gnu::packed]] EntryHeader {
    uint8_t type;
    uint8_t length;  // of the whole entry, including these two bytes
};
static_assert(sizeof(EntryHeader) == 2);

enum MadtType : uint8_t {
    kMadtLocalApic = 0,
    kMadtIoApic = 1,
    kMadtInterruptOverride = 2,
    kMadtLocalApicNmi = 4,
    kMadtLocalApicAddressOverride = 5,
    kMadtLocalX2Apic = 9,
};

/// Flags of a processor entry (MADT types 0 and 9).
inline constexpr uint32_t kMadtCpuEnabled = 1u << 0;         // usable now
inline constexpr uint32_t kMadtCpuOnlineCapable = 1u << 1;   // may be enabled later

// Type 0, Processor Local APIC (8 bytes): one per logical CPU with an 8-bit APIC id.
struct [[gnu::packed]] MadtLocalApic {
    EntryHeader entry;
    uint8_t processor_uid;  // matches the processor object in the DSDT
    uint8_t apic_id;
    uint32_t flags;
};
static_assert(sizeof(MadtLocalApic) == 8);

// Type 1, I/O APIC (12 bytes).
struct [[gnu::packed]] MadtIoApic {
    EntryHeader entry;
    uint8_t io_apic_id;
    uint8_t reserved;
    uint32_t address;   // MMIO base of this I/O APIC
    uint32_t gsi_base;  // first global system interrupt it handles
};
static_assert(sizeof(MadtIoApic) == 12);

// Type 2, Interrupt Source Override (10 bytes): ISA IRQ `source` arrives on `gsi`.
struct [[gnu::packed]] MadtInterruptOverride {
    EntryHeader entry;
    uint8_t bus;  // 0 = ISA
    uint8_t source;
    uint32_t gsi;
    uint16_t flags;  // polarity (bits 1:0) and trigger mode (bits 3:2)
};
static_assert(sizeof(MadtInterruptOverride) == 10);

// Type 4, Local APIC NMI (6 bytes): which LINT pin of which CPU carries NMI.
struct [[gnu::packed]] MadtLocalApicNmi {
    EntryHeader entry;
    uint8_t processor_uid;  // 0xff = all processors
    uint16_t flags;
    uint8_t lint;  // 0 or 1
};
static_assert(sizeof(MadtLocalApicNmi) == 6);

// Type 5, Local APIC Address Override (12 bytes): a 64-bit LAPIC base that
// replaces the 32-bit one in the MADT header.
struct [[gnu::packed]] MadtLocalApicAddressOverride {
    EntryHeader entry;
    uint16_t reserved;
    uint64_t address;
};
static_assert(sizeof(MadtLocalApicAddressOverride) == 12);

// Type 9, Processor Local x2APIC (16 bytes): a CPU whose APIC id needs 32 bits.
struct [[gnu::packed]] MadtLocalX2Apic {
    EntryHeader entry;
    uint16_t reserved;
    uint32_t x2apic_id;
    uint32_t flags;  // same bits as MadtLocalApic::flags
    uint32_t processor_uid;
};
static_assert(sizeof(MadtLocalX2Apic) == 16);

// SRAT ("SRAT", System Resource Affinity Table): 48-byte header, then entries
// with the same type/length scheme as the MADT.
struct [[gnu::packed]] SratHeader {
    SdtHeader header;
    uint32_t table_revision;  // "reserved, must be 1" for compatibility
    uint64_t reserved;
};
static_assert(sizeof(SratHeader) == 48);

enum SratType : uint8_t {
    kSratProcessorAffinity = 0,
    kSratMemoryAffinity = 1,
    kSratX2ApicAffinity = 2,
};

/// Flags of every SRAT entry type: bit 0 says the entry is valid. Entries with
/// the bit clear are padding (QEMU emits zeroed memory entries) and are skipped.
inline constexpr uint32_t kSratEnabled = 1u << 0;
inline constexpr uint32_t kSratMemoryHotPluggable = 1u << 1;
inline constexpr uint32_t kSratMemoryNonVolatile = 1u << 2;

// Type 0, Processor Local APIC Affinity (16 bytes). The proximity domain is
// split: bits 7:0 at offset 2, bits 31:8 at offsets 9..11 (added in ACPI 3.0;
// SRAT revision 1 tables only define the low byte).
//
//   0    1    2       3        4       8      9            12            16
//   +----+----+-------+--------+-------+------+------------+-------------+
//   | 0  | 16 |pxm 7:0|apic id | flags | SEID | pxm 31:8   | clock domain|
//   +----+----+-------+--------+-------+------+------------+-------------+
struct [[gnu::packed]] SratProcessorAffinity {
    EntryHeader entry;
    uint8_t proximity_domain_low;
    uint8_t apic_id;
    uint32_t flags;
    uint8_t local_sapic_eid;
    uint8_t proximity_domain_high[3];
    uint32_t clock_domain;
};
static_assert(sizeof(SratProcessorAffinity) == 16);
static_assert(offsetof(SratProcessorAffinity, proximity_domain_high) == 9);

// Type 1, Memory Affinity (40 bytes): physical range [base, base + length) is
// in `proximity_domain`. A domain may own several ranges (QEMU cuts node 0's
// RAM around the legacy hole at 0xA0000-0x100000).
struct [[gnu::packed]] SratMemoryAffinity {
    EntryHeader entry;
    uint32_t proximity_domain;
    uint16_t reserved1;
    uint64_t base;    // the spec splits it into two 32-bit halves; same bytes
    uint64_t length;
    uint32_t reserved2;
    uint32_t flags;
    uint64_t reserved3;
};
static_assert(sizeof(SratMemoryAffinity) == 40);
static_assert(offsetof(SratMemoryAffinity, base) == 8);
static_assert(offsetof(SratMemoryAffinity, flags) == 28);

// Type 2, Processor Local x2APIC Affinity (24 bytes).
struct [[gnu::packed]] SratX2ApicAffinity {
    EntryHeader entry;
    uint16_t reserved1;
    uint32_t proximity_domain;
    uint32_t x2apic_id;
    uint32_t flags;
    uint32_t clock_domain;
    uint32_t reserved2;
};
static_assert(sizeof(SratX2ApicAffinity) == 24);

// SLIT ("SLIT", System Locality Information Table): an N x N byte matrix after
// the header; entry[i * N + j] is the relative distance from proximity domain i
// to domain j (10 = local; 255 = unreachable). Rows are indexed by proximity
// domain number, not by Proxima's dense node number.
struct [[gnu::packed]] SlitHeader {
    SdtHeader header;
    uint64_t locality_count;  // N
};
static_assert(sizeof(SlitHeader) == 44);

}  // namespace acpi
