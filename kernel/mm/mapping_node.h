// mapping_node.h: one node of the L4 mapping database (thesis 2.1.1, 3.3.3).
//
// Every mapping of physical memory into an address space is a MappingNode:
// "space S sees [vaddr, vaddr + size) as physical [phys, phys + size), with
// these rights". The node that a mapping was made from is its parent, so the
// mappings of one piece of physical memory form a derivation tree whose root
// is sigma0's mapping (sigma0 owns all physical memory; see mapping_db.h for
// the picture and the operations).
//
// The links (parent, first child, next/previous sibling) let the database
// walk a tree in either direction without recursion and unlink a node in
// O(1):
//
//            parent
//              ^
//              |         next_sibling ->
//   ... <-> [ node ] <-> [ sibling ] <-> ...
//              |
//              v first_child
//          [ child ] <-> [ child ] <-> ...
//
// Lock: every field is guarded by the lock of the MappingDb that owns the
// node; only MappingDb writes them. The accessors are for a MappingTarget
// (called with that lock held) and for tests.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "api/rights.h"

namespace mm {

/// L4 X.2 access rights (kernel/api/rights.h). The same three bits report
/// access status: referenced (r), written or dirty (w), executed (x).
using Rights = api::Rights;
using api::any;
using api::without;

/// The smallest mapping: one 4 KiB page. Every mapping is a naturally
/// aligned power of two of at least this size (an L4 fpage).
inline constexpr size_t kMinMappingSize = 4096;

/// An L4 fpage as a window of the mapping database: a power of two of at
/// least 4 KiB, aligned to its size, and not wrapping past the end of the
/// address space.
inline constexpr bool is_fpage_window(uint64_t base, size_t size) {
    return size >= kMinMappingSize && (size & (size - 1)) == 0 && base % size == 0 && base + size > base;
}

/// What the mapping database knows of an address space: who it is (the
/// object's address) and its home node, the NUMA node the space was created
/// on, which never changes (thesis 4.1.2). The kernel's address-space object
/// derives from it; tests use it as it is.
class MappingSpace {
public:
    explicit constexpr MappingSpace(unsigned home_node) : m_home_node(home_node) {}
    MappingSpace(const MappingSpace&) = delete;
    MappingSpace& operator=(const MappingSpace&) = delete;

    unsigned home_node() const { return m_home_node; }

private:
    const unsigned m_home_node;
};

/// 40 bytes on IA32. kmem (Lab 1) hands out at least 1 KiB per block, so the
/// kernel packs them into pages per node (mapping_node_cache.h).
class MappingNode {
public:
    MappingSpace* space() const { return m_space; }
    uintptr_t vaddr() const { return m_vaddr; }
    uint64_t phys() const { return m_phys; }
    size_t size() const { return m_size; }
    Rights rights() const { return m_rights; }

    /// One past the last virtual address; 64 bits, so a mapping that ends
    /// at the top of a 32-bit address space does not wrap to 0.
    uint64_t end() const { return uint64_t(m_vaddr) + m_size; }
    uint64_t phys_end() const { return m_phys + m_size; }

    MappingNode* parent() const { return m_parent; }
    MappingNode* first_child() const { return m_first_child; }
    MappingNode* next_sibling() const { return m_next_sibling; }

private:
    friend class MappingDb;

    MappingNode(MappingSpace* space, uintptr_t vaddr, uint64_t phys, size_t size, Rights rights)
        : m_space(space), m_vaddr(vaddr), m_phys(phys), m_size(size), m_rights(rights) {}

    // Where the mapping is and what it allows.
    MappingSpace* m_space;
    uintptr_t m_vaddr;
    uint64_t m_phys;
    size_t m_size;
    Rights m_rights;

    // The derivation tree. While MappingDb::try_map() holds nodes it has
    // allocated but not yet entered, it chains them through m_next_sibling.
    MappingNode* m_parent = nullptr;
    MappingNode* m_first_child = nullptr;
    MappingNode* m_next_sibling = nullptr;
    MappingNode* m_prev_sibling = nullptr;
};

}  // namespace mm
