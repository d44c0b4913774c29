// acpi_image.cc: the sparse memory image and the acpidump loader (see acpi_image.h).
#include "acpi_image.h"

#include <sstream>

namespace test {
namespace {

bool parse_number(const std::string& token, uint64_t& out) {
    if (token.size() < 3 || token.size() > 18 || token.compare(0, 2, "0x") != 0) return false;
    out = 0;
    for (size_t i = 2; i < token.size(); ++i) {
        char c = token[i];
        unsigned digit;
        if (c >= '0' && c <= '9') digit = unsigned(c - '0');
        else if (c >= 'a' && c <= 'f') digit = unsigned(c - 'a' + 10);
        else return false;
        out = out << 4 | digit;
    }
    return true;
}

bool parse_hex(const std::string& token, std::vector<uint8_t>& out) {
    if (token.empty() || token.size() % 2 != 0) return false;
    out.clear();
    for (size_t i = 0; i < token.size(); i += 2) {
        uint64_t byte;
        if (!parse_number("0x" + token.substr(i, 2), byte)) return false;
        out.push_back(uint8_t(byte));
    }
    return true;
}

std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> tokens;
    std::istringstream in(line);
    for (std::string t; in >> t;) tokens.push_back(t);
    return tokens;
}

}  // namespace

const uint8_t* AcpiImage::map(uint64_t phys, size_t len) {
    ++m_map_calls;
    m_window.reset();
    if (len > kMaxWindow || phys + len < phys) return nullptr;
    auto it = m_bytes.find(phys);
    if (len != 0 && it == m_bytes.end()) return nullptr;
    m_window.reset(new uint8_t[len]);
    for (size_t i = 0; i < len; ++i, ++it) {
        if (it == m_bytes.end() || it->first != phys + i) {
            m_window.reset();
            return nullptr;
        }
        m_window[i] = it->second;
    }
    return m_window.get();
}

void AcpiImage::write(uint64_t phys, const std::vector<uint8_t>& bytes) {
    for (size_t i = 0; i < bytes.size(); ++i) m_bytes[phys + i] = bytes[i];
}

void AcpiImage::write32(uint64_t phys, uint32_t value) {
    for (int i = 0; i < 4; ++i) write8(phys + i, uint8_t(value >> (8 * i)));
}

uint8_t AcpiImage::read8(uint64_t phys) const {
    auto it = m_bytes.find(phys);
    return it == m_bytes.end() ? 0 : it->second;
}

uint32_t AcpiImage::read32(uint64_t phys) const {
    uint32_t value = 0;
    for (int i = 3; i >= 0; --i) value = value << 8 | read8(phys + i);
    return value;
}

void AcpiImage::unmap(uint64_t phys, uint64_t len) {
    m_bytes.erase(m_bytes.lower_bound(phys), m_bytes.lower_bound(phys + len));
}

void AcpiImage::fix_checksum(uint64_t phys) {
    // Sum only the bytes that exist: a corrupted length may be huge.
    uint64_t end = phys + read32(phys + 4);
    uint8_t sum = 0;
    for (auto it = m_bytes.lower_bound(phys); it != m_bytes.end() && it->first < end; ++it)
        if (it->first != phys + 9) sum = uint8_t(sum + it->second);
    write8(phys + 9, uint8_t(0 - sum));
}

bool AcpiImage::load_dump(const std::string& text, std::string& error) {
    std::istringstream in(text);
    std::string line;
    int line_number = 0;
    bool begun = false;
    bool ended = false;
    std::map<uint64_t, uint64_t> next_offset;  // table address -> bytes seen so far
    auto fail = [&](const std::string& why) {
        error = "line " + std::to_string(line_number) + ": " + why;
        return false;
    };
    while (std::getline(in, line)) {
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.compare(0, 9, "acpidump ") != 0) continue;
        std::vector<std::string> t = split(line);
        if (t.size() < 2) return fail("empty acpidump line");
        const std::string& what = t[1];
        if (what == "begin" && t.size() == 2) {
            m_bytes.clear();
            m_ram.clear();
            m_rsdp_phys = 0;
            next_offset.clear();
            begun = true;
            ended = false;
            continue;
        }
        if (!begun || ended) return fail("\"acpidump " + what + "\" outside begin/end");
        std::vector<uint8_t> bytes;
        uint64_t a, b;
        if (what == "end" && t.size() == 2) {
            ended = true;
        } else if (what == "ram" && t.size() == 4) {
            if (!parse_number(t[2], a) || !parse_number(t[3], b) || b < a)
                return fail("bad ram range");
            m_ram.push_back({a, b});
        } else if (what == "rsdp" && t.size() == 4) {
            if (!parse_number(t[2], a) || !parse_hex(t[3], bytes)) return fail("bad rsdp line");
            write(a, bytes);
            m_rsdp_phys = a;
        } else if (what == "table" && t.size() == 6) {
            if (!parse_number(t[3], a) || !parse_number(t[4], b) || !parse_hex(t[5], bytes))
                return fail("bad table line");
            if (bytes.size() > 64) return fail("more than 64 bytes on one line");
            uint64_t expected = next_offset.count(a) ? next_offset[a] : 0;
            if (b != expected)
                return fail("table " + t[2] + " offset " + t[4] + ", expected " +
                            std::to_string(expected) + " (lost serial line?)");
            write(a + b, bytes);
            next_offset[a] = b + bytes.size();
        } else {
            return fail("unknown acpidump line");
        }
    }
    if (!begun) return fail("no \"acpidump begin\" line");
    if (!ended) return fail("no \"acpidump end\" after the last begin (truncated log?)");
    for (const auto& [phys, seen] : next_offset) {
        if (seen < 8 || read32(phys + 4) != seen) {
            std::ostringstream msg;
            msg << "table at 0x" << std::hex << phys << " has " << std::dec << seen
                << " bytes, its header says " << read32(phys + 4);
            error = msg.str();
            return false;
        }
    }
    return true;
}

}  // namespace test
