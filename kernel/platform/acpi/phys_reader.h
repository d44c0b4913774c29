// phys_reader.h: how the ACPI code reads physical memory.
//
// ACPI tables live at physical addresses the firmware chose. The parsers never
// touch physical memory directly: they ask a PhysReader for a window onto it.
// The kernel implements the reader with a page-mapping window (a few virtual
// pages it remaps on every call); the host tests implement it with a sparse
// in-memory image (tests/host/acpi_image.h) that copies every request into a
// fresh buffer, so AddressSanitizer catches both reads past `len` and use of a
// window after the next map() call.
//
// Contract, for implementers and callers alike:
//  - map(phys, len) returns a pointer to len readable bytes that hold the
//    contents of physical memory [phys, phys + len), or nullptr if any byte of
//    that range is not readable RAM/ROM (or the range is longer than the
//    reader's window, or wraps around the address space).
//  - The pointer stays valid only until the next call to map() on the same
//    reader. Callers therefore copy what they need out of one window before
//    mapping the next; no parser holds two windows at once.
//  - The bytes are read-only. No alignment is promised: decode multi-byte
//    fields with acpi::load() (tables.h), never by casting the pointer.
//  - Callers map at most kMaxWindow bytes at once; a reader may refuse more.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace acpi {

class PhysReader {
public:
    /// The largest window any ACPI code asks for: tables longer than this are
    /// checksummed and dumped in pieces, and parsed only if they fit.
    static constexpr size_t kMaxWindow = 64 * 1024;

    virtual const uint8_t* map(uint64_t phys, size_t len) = 0;

protected:
    ~PhysReader() = default;
};

}  // namespace acpi
