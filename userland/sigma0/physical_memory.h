// physical_memory.h: sigma0's record of physical memory: what it may hand out, to whom
// each page already went, and which NUMA node each page is on.
//
// Sigma0 starts out owning, 1:1 (virtual address = physical address), every page the
// kernel does not use (docs/user-boot.md). The KIP's memory descriptors say which page is
// which; when descriptors overlap, the later one counts:
//
//   Conventional (type 1)  RAM: handed out on any request
//   BootLoader   (0xE)     multiboot info, command lines, modules: handed out only to
//                          a request (or a page fault) for that very address
//   anything else          reserved, dedicated, unknown: never handed out
//   ProximaNode  (0xD)     says where a node's memory is, not who owns it: kept in the
//                          node table below, and no page's state changes
//
// A page goes to one thread only: once thread T has it, requests from other threads
// are refused, and T may ask again (it gets the same mapping). Sigma0 cannot see
// address spaces, so it keys on the requesting thread's global id, as L4 sigma0s do.
//
// Proxima: a request may name a NUMA node (docs/kip-numa.md, "sigma0: pages on a node").
// Then every page handed out must lie inside that node's ProximaNode ranges. A KIP
// without any ProximaNode descriptor describes a one-node machine: node 0 is all memory.
//
// One byte per 4 KiB page up to kMaxBytes (2 GiB, the largest preset):
//   0 unavailable, 1 free conventional, 2 free boot-loader, 3.. given to owner (n - 3)
#pragma once

#include <stdint.h>

#include "api/thread_id.h"
#include "api/word.h"

namespace sigma0 {

using api::ThreadId;
using api::Word;

class PhysicalMemory {
public:
    static constexpr Word kPageSize = 4096;
    static constexpr uint64_t kMaxBytes = uint64_t{2} << 30;
    static constexpr Word kMaxPages = static_cast<Word>(kMaxBytes / kPageSize);
    /// The node argument of a request that does not care where its memory is.
    static constexpr unsigned kAnyNode = ~0u;

    /// Reads the KIP's memory descriptors.
    void build_from_kip();

    /// Gives the 2^log2_size bytes at `address` to `who`, if every page there is free
    /// memory of a kind that may be asked for by address, or already `who`'s, and (unless
    /// `node` is kAnyNode) lies on `node`.
    [[nodiscard]] bool try_give(Word address, unsigned log2_size, ThreadId who, unsigned node = kAnyNode);
    /// Finds free conventional memory of 2^log2_size bytes (naturally aligned), on `node`
    /// unless that is kAnyNode, gives it to `who` and returns its address; returns false
    /// if there is none.
    [[nodiscard]] bool try_give_any(unsigned log2_size, ThreadId who, unsigned node, Word* address);

    [[nodiscard]] uint64_t conventional_bytes() const { return m_conventional_pages * uint64_t{kPageSize}; }
    [[nodiscard]] uint64_t boot_loader_bytes() const { return m_boot_loader_pages * uint64_t{kPageSize}; }
    [[nodiscard]] uint64_t ignored_bytes() const { return m_ignored_bytes; }
    /// Bit n set: node n has memory (a ProximaNode range).
    [[nodiscard]] Word nodes_with_memory() const;

private:
    static constexpr uint8_t kUnavailable = 0;
    static constexpr uint8_t kFreeConventional = 1;
    static constexpr uint8_t kFreeBootLoader = 2;
    static constexpr uint8_t kFirstOwner = 3;
    static constexpr unsigned kMaxOwners = 256 - kFirstOwner;
    static constexpr unsigned kMaxNodeRanges = 64;

    /// Whole pages [first_page, end_page) of a node's RAM, from one ProximaNode descriptor.
    struct NodeRange {
        Word first_page;
        Word end_page;
        unsigned node;
    };

    void mark(uint64_t first, uint64_t end, uint8_t state);
    void add_node_range(uint64_t low, uint64_t end, unsigned node);
    /// The owner byte for `who`, allocating one; 0 if the owner table is full.
    [[nodiscard]] uint8_t owner_byte(ThreadId who);
    [[nodiscard]] bool range_ok(Word first_page, Word pages) const;
    /// Is every page of [first_page, first_page + pages) inside a range of `node`?
    [[nodiscard]] bool on_node(Word first_page, Word pages, unsigned node) const;
    /// The highest naturally aligned run of `pages` free conventional pages inside
    /// [low_page, end_page); false if there is none.
    [[nodiscard]] bool find_free(Word low_page, Word end_page, Word pages, Word* first) const;

    uint8_t m_state[kMaxPages];
    ThreadId m_owners[kMaxOwners];
    unsigned m_owner_count = 0;
    NodeRange m_node_ranges[kMaxNodeRanges];
    unsigned m_node_range_count = 0;
    Word m_conventional_pages = 0;
    Word m_boot_loader_pages = 0;
    Word m_top_page = 0;  // one past the highest free conventional page: where searches start
    uint64_t m_ignored_bytes = 0;  // Conventional memory above kMaxBytes
};

}  // namespace sigma0
