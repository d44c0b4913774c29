// acpi_image.h: a sparse physical memory image for the ACPI host tests.
//
// AcpiImage stands in for the machine's physical memory: only the bytes a test
// wrote (or a dump listed) exist, everything else is "not readable". map()
// copies the requested bytes into a freshly allocated buffer of exactly that
// size and frees the previous one, so under AddressSanitizer a parser that
// reads past the length it asked for, or keeps using a window after its next
// map() call, fails loudly (see the contract in platform/acpi/phys_reader.h).
//
// An image can also be loaded from the text that acpi::dump_tables() prints
// (platform/acpi/table_dump.h); lines that do not start with "acpidump " are
// ignored, so a whole serial log works as input.
#pragma once

#include <stdint.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "platform/acpi/phys_reader.h"
#include "platform/topology.h"

namespace test {

class AcpiImage final : public acpi::PhysReader {
public:
    const uint8_t* map(uint64_t phys, size_t len) override;

    /// Makes [phys, phys + bytes.size()) readable with these contents.
    void write(uint64_t phys, const std::vector<uint8_t>& bytes);
    void write8(uint64_t phys, uint8_t value) { m_bytes[phys] = value; }
    void write32(uint64_t phys, uint32_t value);
    uint8_t read8(uint64_t phys) const;
    uint32_t read32(uint64_t phys) const;
    bool readable(uint64_t phys) const { return m_bytes.count(phys) != 0; }

    /// Makes [phys, phys + len) unreadable again.
    void unmap(uint64_t phys, uint64_t len);

    /// Recomputes the checksum byte of the SDT at `phys` over its header length
    /// (for tests that corrupt a table's contents but not its checksum).
    void fix_checksum(uint64_t phys);

    /// Replaces the image with the dump in `text`. On failure returns false and
    /// explains in `error` (line number and problem).
    [[nodiscard]] bool load_dump(const std::string& text, std::string& error);

    /// From the last load_dump(): the RSDP address (0 if none) and RAM ranges.
    uint64_t rsdp_phys() const { return m_rsdp_phys; }
    const std::vector<platform::MemRange>& ram() const { return m_ram; }

    size_t map_calls() const { return m_map_calls; }

private:
    std::map<uint64_t, uint8_t> m_bytes;  // one entry per readable byte
    std::unique_ptr<uint8_t[]> m_window;  // what the last map() returned
    uint64_t m_rsdp_phys = 0;
    std::vector<platform::MemRange> m_ram;
    size_t m_map_calls = 0;
};

}  // namespace test
