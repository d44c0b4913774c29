// table_directory.cc: table checks and the RSDT/XSDT walk (see table_directory.h).
#include "platform/acpi/table_directory.h"

#include "platform/acpi/diag.h"
#include "platform/acpi/tables.h"

namespace acpi {
namespace {

constexpr size_t kChecksumChunk = 4096;

// Copies a signature for printing: anything but a printable character becomes '?'.
void copy_signature(const uint8_t* p, char (&out)[5]) {
    for (int i = 0; i < 4; ++i) out[i] = (p[i] >= 0x20 && p[i] < 0x7f) ? char(p[i]) : '?';
    out[4] = '\0';
}

}  // namespace

const char* describe(TableCheck check) {
    switch (check) {
    case TableCheck::Ok: return "ok";
    case TableCheck::Unreadable: return "header is not readable";
    case TableCheck::TooShort: return "length is shorter than the header";
    case TableCheck::TooLong: return "length is implausibly large";
    case TableCheck::PastReadable: return "length runs past readable memory";
    case TableCheck::BadChecksum: return "checksum is bad";
    }
    return "?";
}

TableCheck check_table(PhysReader& reader, uint64_t phys, TableLocation& out) {
    out = TableLocation{};
    const uint8_t* p = reader.map(phys, sizeof(SdtHeader));
    if (p == nullptr) return TableCheck::Unreadable;
    SdtHeader header = load<SdtHeader>(p);
    copy_signature(p, out.signature);
    out.phys = phys;
    if (header.length < sizeof(SdtHeader)) return TableCheck::TooShort;
    if (header.length > kMaxTableLength) return TableCheck::TooLong;
    out.length = header.length;
    // Sum in pieces so that a reader with a small window can still check a
    // large table; a piece that is not readable means the length lies.
    uint8_t sum = 0;
    for (uint32_t offset = 0; offset < header.length; offset += kChecksumChunk) {
        size_t piece = header.length - offset < kChecksumChunk ? header.length - offset
                                                               : kChecksumChunk;
        const uint8_t* chunk = reader.map(phys + offset, piece);
        if (chunk == nullptr) return TableCheck::PastReadable;
        sum = uint8_t(sum + byte_sum(chunk, piece));
    }
    return sum == 0 ? TableCheck::Ok : TableCheck::BadChecksum;
}

bool try_check_table(PhysReader& reader, uint64_t phys, const char* expected, TableLocation& out,
                     kstd::CharSink& diag) {
    TableCheck check = check_table(reader, phys, out);
    if (check == TableCheck::Ok && expected != nullptr &&
        !signature_is(reinterpret_cast<const uint8_t*>(out.signature), expected)) {
        warn(diag, "table at 0x%llx is %s, expected %.4s, ignored", (unsigned long long)phys,
             out.signature, expected);
        out = TableLocation{};
        return false;
    }
    if (check == TableCheck::Ok) return true;
    warn(diag, "table %s at 0x%llx ignored: %s",
         check == TableCheck::Unreadable ? "????" : out.signature, (unsigned long long)phys,
         describe(check));
    out = TableLocation{};
    return false;
}

bool TableDirectory::try_use_root(uint64_t phys, const char* signature, size_t entry_size,
                                  kstd::CharSink& diag) {
    TableLocation root;
    if (!try_check_table(*m_reader, phys, signature, root, diag)) return false;
    size_t payload = root.length - sizeof(SdtHeader);
    if (payload % entry_size != 0)
        warn(diag, "%s has %u trailing bytes after its last entry, ignored", signature,
             unsigned(payload % entry_size));
    m_root = root;
    m_entry_size = entry_size;
    m_count = payload / entry_size;
    return true;
}

bool TableDirectory::try_open(PhysReader& reader, const RsdpInfo& rsdp, kstd::CharSink& diag) {
    m_reader = &reader;
    m_root = TableLocation{};
    m_entry_size = 0;
    m_count = 0;
    // ACPI 2.0+ firmware must provide an XSDT, and its entries win over the RSDT's.
    if (rsdp.revision >= 2 && rsdp.xsdt_address != 0) {
        if (try_use_root(rsdp.xsdt_address, "XSDT", sizeof(uint64_t), diag)) return true;
        warn(diag, "falling back from the XSDT to the RSDT");
    }
    if (rsdp.rsdt_address != 0 && try_use_root(rsdp.rsdt_address, "RSDT", sizeof(uint32_t), diag))
        return true;
    warn(diag, "no usable RSDT or XSDT");
    return false;
}

uint64_t TableDirectory::entry(size_t index) const {
    if (index >= m_count) return 0;
    uint64_t phys = m_root.phys + sizeof(SdtHeader) + index * m_entry_size;
    const uint8_t* p = m_reader->map(phys, m_entry_size);
    if (p == nullptr) return 0;
    return m_entry_size == sizeof(uint64_t) ? load<uint64_t>(p) : load<uint32_t>(p);
}

void TableDirectory::find(TableRequest* requests, size_t num_requests,
                          kstd::CharSink& diag) const {
    for (size_t i = 0; i < num_requests; ++i) requests[i].location = TableLocation{};
    for (size_t i = 0; i < m_count; ++i) {
        uint64_t phys = entry(i);
        if (phys == 0) {
            warn(diag, "%s entry %u is null, ignored", m_root.signature, unsigned(i));
            continue;
        }
        TableLocation table;
        if (!try_check_table(*m_reader, phys, nullptr, table, diag)) continue;
        for (size_t r = 0; r < num_requests; ++r) {
            TableLocation& slot = requests[r].location;
            if (!signature_is(reinterpret_cast<const uint8_t*>(table.signature),
                              requests[r].signature))
                continue;
            if (slot.found())
                warn(diag, "second %s at 0x%llx ignored", table.signature,
                     (unsigned long long)phys);
            else
                slot = table;
        }
    }
}

}  // namespace acpi
