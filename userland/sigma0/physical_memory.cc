// physical_memory.cc: sigma0's page table of ownership (see physical_memory.h).
#include "physical_memory.h"

#include "api/kip_descriptors.h"
#include "l4/kip.h"

namespace sigma0 {

using api::MemoryType;

void PhysicalMemory::build_from_kip() {
    Word count = l4::kip().memory_info.count();
    for (Word i = 0; i < count; ++i) {
        api::MemoryDescriptor d = l4::memory_descriptor(i);
        if (d.is_virtual() || d.type() == MemoryType::ProximaNode) continue;
        uint64_t low = d.low();
        uint64_t end = uint64_t{d.high()} + 1;
        if (d.type() == MemoryType::Conventional || d.type() == MemoryType::BootLoader) {
            // Only whole pages are usable.
            uint64_t first = (low + kPageSize - 1) & ~uint64_t{kPageSize - 1};
            uint64_t last = end & ~uint64_t{kPageSize - 1};
            if (end > kMaxBytes && d.type() == MemoryType::Conventional)
                m_ignored_bytes += end - (low > kMaxBytes ? low : kMaxBytes);
            mark(first, last, d.type() == MemoryType::Conventional ? kFreeConventional : kFreeBootLoader);
        } else {
            // Any page the descriptor touches is off limits.
            mark(low & ~uint64_t{kPageSize - 1}, (end + kPageSize - 1) & ~uint64_t{kPageSize - 1}, kUnavailable);
        }
    }
    for (Word page = 0; page < kMaxPages; ++page) {
        if (m_state[page] == kFreeConventional) {
            ++m_conventional_pages;
            m_top_page = page + 1;
        }
        if (m_state[page] == kFreeBootLoader) ++m_boot_loader_pages;
    }
}

void PhysicalMemory::mark(uint64_t first, uint64_t end, uint8_t state) {
    if (end > kMaxBytes) end = kMaxBytes;
    for (uint64_t address = first; address < end; address += kPageSize) m_state[address / kPageSize] = state;
}

uint8_t PhysicalMemory::owner_byte(ThreadId who) {
    for (unsigned i = 0; i < m_owner_count; ++i)
        if (m_owners[i] == who) return static_cast<uint8_t>(kFirstOwner + i);
    if (m_owner_count == kMaxOwners) return 0;
    m_owners[m_owner_count] = who;
    return static_cast<uint8_t>(kFirstOwner + m_owner_count++);
}

bool PhysicalMemory::range_ok(Word first_page, Word pages) const {
    return first_page < kMaxPages && pages <= kMaxPages - first_page;
}

bool PhysicalMemory::try_give(Word address, unsigned log2_size, ThreadId who) {
    if (log2_size < 12 || log2_size > 31) return false;
    Word first = (address & ~((Word{1} << log2_size) - 1)) / kPageSize;
    Word pages = Word{1} << (log2_size - 12);
    if (!range_ok(first, pages)) return false;
    uint8_t owner = owner_byte(who);
    if (owner == 0) return false;
    for (Word page = first; page < first + pages; ++page) {
        uint8_t state = m_state[page];
        if (state != kFreeConventional && state != kFreeBootLoader && state != owner) return false;
    }
    for (Word page = first; page < first + pages; ++page) m_state[page] = owner;
    return true;
}

bool PhysicalMemory::try_give_any(unsigned log2_size, ThreadId who, Word* address) {
    if (log2_size < 12 || log2_size > 31) return false;
    Word pages = Word{1} << (log2_size - 12);
    uint8_t owner = owner_byte(who);
    if (owner == 0 || pages > m_top_page) return false;
    // From the top down: low memory (below 16 MiB, say) is what legacy devices want.
    for (Word first = (m_top_page - pages) & ~(pages - 1);; first -= pages) {
        bool free = true;
        for (Word page = first; page < first + pages && free; ++page) free = m_state[page] == kFreeConventional;
        if (free) {
            for (Word page = first; page < first + pages; ++page) m_state[page] = owner;
            *address = first * kPageSize;
            return true;
        }
        if (first == 0) return false;
    }
}

}  // namespace sigma0
