// rsdp.cc: RSDP search and validation (see rsdp.h).
#include "platform/acpi/rsdp.h"

#include "platform/acpi/diag.h"
#include "platform/acpi/tables.h"

namespace acpi {
namespace {

constexpr uint64_t kEbdaSegmentWord = 0x40E;  // BIOS Data Area: EBDA segment >> 4
constexpr uint64_t kEbdaSearchLength = 1024;
constexpr uint64_t kBiosAreaStart = 0xE0000;
constexpr uint64_t kBiosAreaEnd = 0x100000;
constexpr uint64_t kRsdpAlignment = 16;
constexpr uint32_t kMaxRsdpLength = 4096;  // v2 length field sanity bound

bool has_signature(PhysReader& reader, uint64_t phys) {
    const uint8_t* p = reader.map(phys, 8);
    return p != nullptr && signature_is(p, "RSD PTR ", 8);
}

// Scans [start, end) on 16-byte boundaries; candidates must lie wholly inside.
bool scan(PhysReader& reader, uint64_t start, uint64_t end, RsdpInfo& out,
          kstd::CharSink& diag) {
    for (uint64_t phys = start; phys + kRsdpV1Size <= end; phys += kRsdpAlignment) {
        if (has_signature(reader, phys) && try_read_rsdp(reader, phys, out, diag)) return true;
    }
    return false;
}

}  // namespace

bool try_read_rsdp(PhysReader& reader, uint64_t phys, RsdpInfo& out, kstd::CharSink& diag) {
    const uint8_t* p = reader.map(phys, kRsdpV1Size);
    if (p == nullptr) {
        warn(diag, "RSDP at 0x%llx is not readable", (unsigned long long)phys);
        return false;
    }
    if (!signature_is(p, "RSD PTR ", 8)) {
        warn(diag, "no RSDP signature at 0x%llx", (unsigned long long)phys);
        return false;
    }
    if (byte_sum(p, kRsdpV1Size) != 0) {
        warn(diag, "RSDP at 0x%llx has a bad checksum, ignored", (unsigned long long)phys);
        return false;
    }
    // Only the first 20 bytes are known to exist yet: decode the 1.0 fields
    // one by one rather than loading a whole 36-byte Rsdp.
    out.phys = phys;
    out.revision = p[offsetof(Rsdp, revision)];
    out.length = kRsdpV1Size;
    out.rsdt_address = load<uint32_t>(p + offsetof(Rsdp, rsdt_address));
    out.xsdt_address = 0;
    if (out.revision < 2) return true;

    // ACPI 2.0+: the extension carries the XSDT address. Trust it only if the
    // extended checksum holds; otherwise fall back to the 1.0 view.
    const uint8_t* ext = reader.map(phys, kRsdpV2Size);
    if (ext == nullptr) {
        warn(diag, "RSDP at 0x%llx: extension not readable, using RSDT only",
             (unsigned long long)phys);
        out.revision = 0;
        return true;
    }
    Rsdp v2 = load<Rsdp>(ext);
    if (v2.length < kRsdpV2Size || v2.length > kMaxRsdpLength) {
        warn(diag, "RSDP at 0x%llx: bad length %u, using RSDT only", (unsigned long long)phys,
             unsigned(v2.length));
        out.revision = 0;
        return true;
    }
    const uint8_t* whole = reader.map(phys, v2.length);
    if (whole == nullptr || byte_sum(whole, v2.length) != 0) {
        warn(diag, "RSDP at 0x%llx: bad extended checksum, using RSDT only",
             (unsigned long long)phys);
        out.revision = 0;
        return true;
    }
    out.length = v2.length;
    out.xsdt_address = v2.xsdt_address;
    return true;
}

bool try_find_rsdp(PhysReader& reader, RsdpInfo& out, kstd::CharSink& diag) {
    // 1. The first KiB of the EBDA. The BDA word holds a real-mode segment.
    if (const uint8_t* p = reader.map(kEbdaSegmentWord, 2); p != nullptr) {
        uint64_t ebda = uint64_t(load<uint16_t>(p)) << 4;
        if (ebda != 0 && scan(reader, ebda, ebda + kEbdaSearchLength, out, diag)) return true;
    }
    // 2. The BIOS read-only memory below 1 MiB.
    return scan(reader, kBiosAreaStart, kBiosAreaEnd, out, diag);
}

}  // namespace acpi
