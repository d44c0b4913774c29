// rsdp.h: finding and checking the Root System Description Pointer.
//
// The RSDP is the one ACPI structure with no pointer to it: BIOS firmware
// leaves it on a 16-byte boundary in one of two places (ACPI spec 5.2.5.1):
//   1. the first KiB of the Extended BIOS Data Area, whose real-mode segment
//      the BIOS stores as a 16-bit word at physical 0x40E;
//   2. the BIOS read-only area 0xE0000-0xFFFFF.
// A bootloader that already knows it (multiboot2, UEFI) may hand the address
// over instead; TopologyOptions::rsdp_phys carries that.
#pragma once

#include <stdint.h>

#include "lib/format.h"
#include "platform/acpi/phys_reader.h"

namespace acpi {

/// What the kernel needs from a valid RSDP.
struct RsdpInfo {
    uint64_t phys;          ///< where the RSDP itself lies
    uint8_t revision;       ///< 0 for ACPI 1.0, >= 2 for ACPI 2.0+
    uint32_t length;        ///< bytes covered by its checksums: 20, or the v2 length
    uint32_t rsdt_address;  ///< physical address of the RSDT (0 = none)
    uint64_t xsdt_address;  ///< physical address of the XSDT (0 = none or not trusted)
};

/// Checks the RSDP at `phys`: signature, the 20-byte checksum, and for
/// revision >= 2 the extended checksum over `length` bytes. An RSDP whose v1
/// part is good but whose extension is not is accepted as revision 0 (RSDT
/// only) with a warning. Returns false, with a warning, if it is unusable.
[[nodiscard]] bool try_read_rsdp(PhysReader& reader, uint64_t phys, RsdpInfo& out,
                                 kstd::CharSink& diag);

/// Searches the EBDA and the BIOS area (see above) for a valid RSDP.
[[nodiscard]] bool try_find_rsdp(PhysReader& reader, RsdpInfo& out, kstd::CharSink& diag);

}  // namespace acpi
