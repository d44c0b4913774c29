// table_dump.h: printing every ACPI table as text (the "acpidump" boot option).
//
// The host tests replay these dumps (tests/host/acpi/*.acpidump) through the
// real parsers, so a table QEMU or a real machine built can be studied and
// regression-tested without booting. The dump goes to the serial console
// mixed with other output, so each line is self-describing and short:
//
//   acpidump begin
//   acpidump ram <base> <end>                          one per usable RAM range
//   acpidump rsdp <phys> <hex>                         the RSDP's 20 or 36 bytes
//   acpidump table <SIG> <phys> <offset> <hex>         up to 64 bytes of a table
//   acpidump end
//
//  - <base> <end> <phys> <offset> are lowercase hex with a 0x prefix; <hex> is
//    the bytes as one lowercase string, two digits per byte, no spaces.
//  - A table's lines come in ascending <offset> order (0x0, 0x40, 0x80, ...)
//    and together hold its whole header length; <SIG> repeats the signature
//    for readers, with unprintable bytes shown as '?'.
//  - Tables dumped: the RSDT and the XSDT (each if present), every table the
//    chosen root lists, and the DSDT that the FADT ("FACP") points to. Tables
//    with a bad checksum are dumped as they are; tables whose header or bytes
//    cannot be read are left out with a warning line (diag.h).
//  - Lines not starting with "acpidump " are not part of the dump, so a whole
//    serial log can be fed to the loader (tests/host/acpi_image.h).
#pragma once

#include "lib/format.h"
#include "platform/acpi/phys_reader.h"
#include "platform/acpi/topology_options.h"

namespace acpi {

/// Bytes per "acpidump table" line.
inline constexpr uint32_t kDumpBytesPerLine = 64;

/// Prints the dump described above. Uses options.rsdp_phys and the RAM ranges
/// (so a replay can rebuild single-node topologies too); ignores the NUMA mode.
void dump_tables(PhysReader& reader, const TopologyOptions& options, kstd::CharSink& out);

}  // namespace acpi
