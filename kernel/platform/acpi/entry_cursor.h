// entry_cursor.h: walking the type/length entries of the MADT and the SRAT.
//
// Both tables end in a packed list of variable-length entries:
//
//   first                                                          table length
//   +------+-----+--------------+------+-----+------------+ ... +
//   | type | len | len-2 bytes  | type | len | ...        |     |
//   +------+-----+--------------+------+-----+------------+ ... +
//
// A corrupt length byte would send a naive walker into the next table or off
// the mapped window (len 0 even loops forever). The cursor stops at the first
// entry whose length is below 2 or runs past the table end, and says so with
// malformed(); parsers walk once to check, then once to read.
#pragma once

#include <stdint.h>

namespace acpi {

class EntryCursor {
public:
    /// `table` points at `length` mapped bytes; entries start at offset `first`.
    EntryCursor(const uint8_t* table, uint32_t length, uint32_t first)
        : m_table(table), m_length(length), m_next(first) {}

    /// Moves to the next entry. False at the end of the table, or at a malformed
    /// entry (then malformed() is true and offset()/length() describe it).
    bool next() {
        if (m_next >= m_length || m_malformed) return false;
        m_offset = m_next;
        uint32_t left = m_length - m_offset;
        m_entry_length = left >= 2 ? m_table[m_offset + 1] : left;
        if (left < 2 || m_entry_length < 2 || m_entry_length > left) {
            m_malformed = true;
            return false;
        }
        m_next = m_offset + m_entry_length;
        return true;
    }

    bool malformed() const { return m_malformed; }
    uint32_t offset() const { return m_offset; }
    uint8_t type() const { return m_table[m_offset]; }
    uint32_t length() const { return m_entry_length; }
    const uint8_t* bytes() const { return m_table + m_offset; }

private:
    const uint8_t* m_table;
    uint32_t m_length;
    uint32_t m_next;
    uint32_t m_offset = 0;
    uint32_t m_entry_length = 0;
    bool m_malformed = false;
};

}  // namespace acpi
