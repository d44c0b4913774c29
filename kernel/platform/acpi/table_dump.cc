// table_dump.cc: the "acpidump" text dump (see table_dump.h for the format).
#include "platform/acpi/table_dump.h"

#include "platform/acpi/diag.h"
#include "platform/acpi/rsdp.h"
#include "platform/acpi/table_directory.h"
#include "platform/acpi/tables.h"

namespace acpi {
namespace {

// Where the FADT keeps the DSDT's address: a 32-bit field, and from ACPI 2.0 a
// 64-bit one that wins when nonzero.
constexpr uint32_t kFadtDsdtOffset = 40;
constexpr uint32_t kFadtXDsdtOffset = 140;

void print_hex(kstd::CharSink& out, const uint8_t* bytes, size_t len) {
    for (size_t i = 0; i < len; ++i) print(out, "%02x", unsigned(bytes[i]));
}

void dump_rsdp(PhysReader& reader, const RsdpInfo& rsdp, kstd::CharSink& out) {
    // Dump the bytes as they are, even if the 2.0 extension was not trusted.
    const uint8_t* v1 = reader.map(rsdp.phys, kRsdpV1Size);
    if (v1 == nullptr) return;
    size_t len = rsdp.length;
    if (len == kRsdpV1Size && v1[offsetof(Rsdp, revision)] >= 2 &&
        reader.map(rsdp.phys, kRsdpV2Size) != nullptr)
        len = kRsdpV2Size;
    const uint8_t* p = reader.map(rsdp.phys, len);
    if (p == nullptr) return;
    print(out, "acpidump rsdp 0x%llx ", (unsigned long long)rsdp.phys);
    print_hex(out, p, len);
    print(out, "\n");
}

// Dumps the table at `phys`; returns its location (length 0 if not dumped).
TableLocation dump_table(PhysReader& reader, uint64_t phys, kstd::CharSink& out) {
    TableLocation table;
    TableCheck check = check_table(reader, phys, table);
    if (check != TableCheck::Ok && check != TableCheck::BadChecksum) {
        warn(out, "table at 0x%llx not dumped: %s", (unsigned long long)phys, describe(check));
        return TableLocation{};
    }
    for (uint32_t offset = 0; offset < table.length; offset += kDumpBytesPerLine) {
        uint32_t len = table.length - offset;
        if (len > kDumpBytesPerLine) len = kDumpBytesPerLine;
        const uint8_t* p = reader.map(phys + offset, len);
        if (p == nullptr) break;  // check_table() read it all a moment ago
        print(out, "acpidump table %s 0x%llx 0x%x ", table.signature, (unsigned long long)phys,
              unsigned(offset));
        print_hex(out, p, len);
        print(out, "\n");
    }
    return table;
}

// The DSDT is not listed in the RSDT/XSDT; only the FADT points to it.
uint64_t dsdt_address(PhysReader& reader, const TableLocation& fadt) {
    if (fadt.length >= kFadtXDsdtOffset + 8) {
        const uint8_t* p = reader.map(fadt.phys + kFadtXDsdtOffset, 8);
        if (p != nullptr && load<uint64_t>(p) != 0) return load<uint64_t>(p);
    }
    if (fadt.length >= kFadtDsdtOffset + 4) {
        const uint8_t* p = reader.map(fadt.phys + kFadtDsdtOffset, 4);
        if (p != nullptr) return load<uint32_t>(p);
    }
    return 0;
}

}  // namespace

void dump_tables(PhysReader& reader, const TopologyOptions& options, kstd::CharSink& out) {
    print(out, "acpidump begin\n");
    for (size_t i = 0; i < options.num_ram_ranges; ++i)
        print(out, "acpidump ram 0x%llx 0x%llx\n", (unsigned long long)options.ram_ranges[i].base,
              (unsigned long long)options.ram_ranges[i].end);

    RsdpInfo rsdp = {};
    bool found = options.rsdp_phys != 0 && try_read_rsdp(reader, options.rsdp_phys, rsdp, out);
    if (!found) found = try_find_rsdp(reader, rsdp, out);
    if (!found) {
        warn(out, "no ACPI RSDP found, nothing to dump");
        print(out, "acpidump end\n");
        return;
    }
    dump_rsdp(reader, rsdp, out);
    if (rsdp.rsdt_address != 0) dump_table(reader, rsdp.rsdt_address, out);
    if (rsdp.xsdt_address != 0) dump_table(reader, rsdp.xsdt_address, out);

    TableDirectory directory;
    if (directory.try_open(reader, rsdp, out)) {
        for (size_t i = 0; i < directory.count(); ++i) {
            uint64_t phys = directory.entry(i);
            if (phys == 0) continue;
            TableLocation table = dump_table(reader, phys, out);
            if (table.found() && signature_is(reinterpret_cast<const uint8_t*>(table.signature),
                                              "FACP")) {
                uint64_t dsdt = dsdt_address(reader, table);
                if (dsdt != 0) dump_table(reader, dsdt, out);
            }
        }
    }
    print(out, "acpidump end\n");
}

}  // namespace acpi
