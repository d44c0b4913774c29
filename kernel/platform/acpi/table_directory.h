// table_directory.h: the RSDT/XSDT, ACPI's list of all other tables.
//
// The root table is an SDT header followed by an array of physical addresses:
// 32-bit in the RSDT ("RSDT", ACPI 1.0), 64-bit in the XSDT ("XSDT", ACPI 2.0+).
//
//   0             36         40         44                      length
//   +-------------+----------+----------+-----...-----+----------+
//   | SDT header  | entry 0  | entry 1  |             | entry N-1|   RSDT: 4-byte entries
//   +-------------+----------+----------+-----...-----+----------+   XSDT: 8-byte entries
//
// Every table is input we cannot trust: before anyone reads a table we check
// that its header is readable, that its length is at least the header and no
// more than the reader can deliver, and that its bytes sum to 0. A table that
// fails is ignored with a warning, and the rest of the tables still count.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/format.h"
#include "platform/acpi/phys_reader.h"
#include "platform/acpi/rsdp.h"

namespace acpi {

/// A table that passed the checks: map it again to read it.
struct TableLocation {
    uint64_t phys = 0;
    uint32_t length = 0;    ///< 0 means "not found"
    char signature[5] = {};  ///< NUL-terminated copy of the header's signature
    bool found() const { return length != 0; }
};

/// Why a table failed its checks (TableCheck::Ok if it did not).
enum class TableCheck { Ok, Unreadable, TooShort, TooLong, PastReadable, BadChecksum };

/// A short English description of `check`, for warnings.
const char* describe(TableCheck check);

/// Tables longer than this are rejected as implausible (real DSDTs stay far below).
inline constexpr uint32_t kMaxTableLength = 1024 * 1024;

/// Checks the table at `phys` without warning; fills `out` whenever the header
/// was readable, even if a later check failed (the dumper uses that).
[[nodiscard]] TableCheck check_table(PhysReader& reader, uint64_t phys, TableLocation& out);

/// check_table() plus a warning naming the problem; true only for TableCheck::Ok.
/// `expected` (4 characters or nullptr) also demands a signature.
[[nodiscard]] bool try_check_table(PhysReader& reader, uint64_t phys, const char* expected,
                                   TableLocation& out, kstd::CharSink& diag);

/// "Find me the first valid table with this signature."
struct TableRequest {
    const char* signature;   ///< 4 characters, e.g. "APIC"
    TableLocation location;  ///< filled by TableDirectory::find()
};

class TableDirectory {
public:
    /// Opens the XSDT if the RSDP has a valid one, else the RSDT. False (with a
    /// warning) if neither is usable.
    [[nodiscard]] bool try_open(PhysReader& reader, const RsdpInfo& rsdp, kstd::CharSink& diag);

    const TableLocation& root() const { return m_root; }
    size_t count() const { return m_count; }

    /// The physical address in entry `index` (< count()), or 0 if unreadable.
    uint64_t entry(size_t index) const;

    /// One pass over all entries: checks every table once (a warning for each
    /// bad one) and records the first valid table for each request.
    void find(TableRequest* requests, size_t num_requests, kstd::CharSink& diag) const;

private:
    [[nodiscard]] bool try_use_root(uint64_t phys, const char* signature, size_t entry_size,
                                    kstd::CharSink& diag);

    PhysReader* m_reader = nullptr;
    TableLocation m_root;
    size_t m_entry_size = 0;  // 4 for the RSDT, 8 for the XSDT
    size_t m_count = 0;
};

}  // namespace acpi
