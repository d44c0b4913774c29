// physical_memory.cc: sigma0's page table of ownership and its node table (see
// physical_memory.h).
#include "physical_memory.h"

#include "api/kip_descriptors.h"
#include "l4/kip.h"
#include "l4/print.h"

namespace sigma0 {

using api::MemoryType;

void PhysicalMemory::build_from_kip() {
    Word count = l4::kip().memory_info.count();
    for (Word i = 0; i < count; ++i) {
        api::MemoryDescriptor d = l4::memory_descriptor(i);
        if (d.is_virtual()) continue;
        uint64_t low = d.low();
        uint64_t end = uint64_t{d.high()} + 1;
        if (d.is_node_memory()) {
            add_node_range(low, end, d.node());
        } else if (d.type() == MemoryType::Conventional || d.type() == MemoryType::BootLoader ||
                   d.type() == MemoryType::Dedicated) {
            // Conventional RAM goes to any request; boot-loader memory and device
            // memory (Dedicated) only to a request for that address.
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
    // A KIP without the NUMA extension describes one node: all of memory.
    if (m_node_range_count == 0) add_node_range(0, kMaxBytes, 0);
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

void PhysicalMemory::add_node_range(uint64_t low, uint64_t end, unsigned node) {
    // Only whole pages below kMaxBytes count as the node's.
    uint64_t first = (low + kPageSize - 1) / kPageSize;
    uint64_t last = (end > kMaxBytes ? kMaxBytes : end) / kPageSize;
    if (first >= last) return;
    if (m_node_range_count == kMaxNodeRanges) {
        l4::printf("sigma0: more than %u node memory ranges; [%x, %x) of node %u left out\n", kMaxNodeRanges,
                   static_cast<Word>(low), static_cast<Word>(end - 1), node);
        return;
    }
    m_node_ranges[m_node_range_count++] = {static_cast<Word>(first), static_cast<Word>(last), node};
}

Word PhysicalMemory::nodes_with_memory() const {
    Word nodes = 0;
    for (unsigned i = 0; i < m_node_range_count; ++i) nodes |= Word{1} << m_node_ranges[i].node;
    return nodes;
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

bool PhysicalMemory::on_node(Word first_page, Word pages, unsigned node) const {
    // Walk the run page-range by page-range: a node's RAM may come in adjacent pieces.
    Word page = first_page, end = first_page + pages;
    while (page < end) {
        const NodeRange* holder = nullptr;
        for (unsigned i = 0; i < m_node_range_count && holder == nullptr; ++i) {
            const NodeRange& r = m_node_ranges[i];
            if (r.node == node && r.first_page <= page && page < r.end_page) holder = &r;
        }
        if (holder == nullptr) return false;
        page = holder->end_page;
    }
    return true;
}

bool PhysicalMemory::find_free(Word low_page, Word end_page, Word pages, Word* first) const {
    if (end_page > m_top_page) end_page = m_top_page;
    if (end_page < low_page || end_page - low_page < pages) return false;
    // From the top down: low memory (below 16 MiB, say) is what legacy devices want.
    for (Word candidate = (end_page - pages) & ~(pages - 1); candidate >= low_page; candidate -= pages) {
        bool free = true;
        for (Word page = candidate; page < candidate + pages && free; ++page)
            free = m_state[page] == kFreeConventional;
        if (free) {
            *first = candidate;
            return true;
        }
        if (candidate < pages) return false;
    }
    return false;
}

bool PhysicalMemory::try_give(Word address, unsigned log2_size, ThreadId who, unsigned node) {
    if (log2_size < 12 || log2_size > 31) return false;
    Word first = (address & ~((Word{1} << log2_size) - 1)) / kPageSize;
    Word pages = Word{1} << (log2_size - 12);
    if (!range_ok(first, pages)) return false;
    if (node != kAnyNode && !on_node(first, pages, node)) return false;
    uint8_t owner = owner_byte(who);
    if (owner == 0) return false;
    for (Word page = first; page < first + pages; ++page) {
        uint8_t state = m_state[page];
        if (state != kFreeConventional && state != kFreeBootLoader && state != owner) return false;
    }
    for (Word page = first; page < first + pages; ++page) m_state[page] = owner;
    return true;
}

bool PhysicalMemory::try_give_any(unsigned log2_size, ThreadId who, unsigned node, Word* address) {
    if (log2_size < 12 || log2_size > 31) return false;
    Word pages = Word{1} << (log2_size - 12);
    uint8_t owner = owner_byte(who);
    if (owner == 0) return false;
    Word first = 0;
    bool found = false;
    if (node == kAnyNode) {
        found = find_free(0, m_top_page, pages, &first);
    } else {
        // The node's ranges from the last descriptor back: the KIP lists them upwards.
        for (unsigned i = m_node_range_count; i > 0 && !found; --i) {
            const NodeRange& r = m_node_ranges[i - 1];
            if (r.node == node) found = find_free(r.first_page, r.end_page, pages, &first);
        }
    }
    if (!found) return false;
    for (Word page = first; page < first + pages; ++page) m_state[page] = owner;
    *address = first * kPageSize;
    return true;
}

}  // namespace sigma0
