// mapping_db.cc: the L4 operations of the mapping database that give
// memory: add a root, map, grant (the semantics and the picture are in
// mapping_db.h). Taking it back, unmap and flush, is in mapping_unmap.cc.
//
// What it does: turns each operation on a window of an address space into
// work on the mappings the window holds, found through the MappingTarget;
// the tree surgery itself is in mapping_tree.cc.
// Invariants: those of mapping_tree.cc, and: a space's mappings never
// overlap (the MDB clears a range before it installs into it), and every
// installed mapping has a node, found by MappingTarget::lookup.
// Lock: m_lock, taken by each public function for the whole operation.
// Tests: tests/host/mapping_db_test.cc, mapping_db_model_test.cc. Thesis: 2.1.1, 3.3.3.
#include "mm/mapping_db.h"

#include "lib/panic.h"

namespace mm {

namespace {

uint64_t max(uint64_t a, uint64_t b) { return a > b ? a : b; }
uint64_t min(uint64_t a, uint64_t b) { return a < b ? a : b; }

}  // namespace

MdbError MappingDb::try_add_root(MappingSpace* space, uintptr_t vaddr, uint64_t phys, size_t size, Rights rights) {
    if (!is_fpage_window(vaddr, size) || !is_fpage_window(phys, size) || !any(rights)) return MdbError::InvalidArgument;
    SpinLockGuard guard(m_lock);
    uint64_t cursor = vaddr;
    if (next_in_window_locked(space, cursor, uint64_t(vaddr) + size) != nullptr) return MdbError::Occupied;
    MappingNode* node = try_alloc_node_locked(space);
    if (node == nullptr) return MdbError::OutOfMemory;
    if (!m_target.try_prepare(space, vaddr, size)) {
        free_node_locked(node);
        return MdbError::OutOfMemory;
    }
    node->m_vaddr = vaddr;
    node->m_phys = phys;
    node->m_size = size;
    node->m_rights = rights;
    m_target.install(node);
    return MdbError::Ok;
}

MdbError MappingDb::try_map(MappingSpace* from_space, uintptr_t from_addr, MappingSpace* to_space, uintptr_t to_addr,
                            size_t size, Rights rights) {
    return try_transfer(Transfer::Map, from_space, from_addr, to_space, to_addr, size, rights);
}

MdbError MappingDb::try_grant(MappingSpace* from_space, uintptr_t from_addr, MappingSpace* to_space, uintptr_t to_addr,
                              size_t size, Rights rights) {
    return try_transfer(Transfer::Grant, from_space, from_addr, to_space, to_addr, size, rights);
}

/// The next mapping of `space` that overlaps [cursor, end), which may start
/// below cursor; moves cursor past it. nullptr when there is none. Costs one
/// lookup per 4 KiB of empty window (a page-table walk could skip empty
/// page directories; not needed yet).
MappingNode* MappingDb::next_in_window_locked(MappingSpace* space, uint64_t& cursor, uint64_t end) {
    for (; cursor < end; cursor += kMinMappingSize) {
        cursor = m_target.skip_unmapped(space, cursor, end);
        if (cursor >= end) break;
        MappingNode* node = m_target.lookup(space, uintptr_t(cursor));
        if (node != nullptr) {
            cursor = node->end();
            return node;
        }
    }
    return nullptr;
}

struct MappingDb::Request {
    Transfer how;
    MappingSpace* from_space;
    uint64_t from_base;
    MappingSpace* to_space;
    uint64_t to_base;
    size_t size;    // of both windows
    Rights rights;  // requested
};

/// What one source mapping gives to a map or grant: the part of it inside
/// the source window, at the same offset in the destination window.
struct MappingDb::Piece {
    MappingNode* source;
    uintptr_t dst;
    uint64_t phys;
    size_t size;
    Rights rights;  // the source's & the requested; None: the piece is skipped
};

/// The next piece of `request`, in source address order. The source mapping
/// and the window are naturally aligned powers of two, so one contains the
/// other, and the piece is the smaller of the two.
bool MappingDb::next_piece_locked(const Request& request, uint64_t& cursor, Piece& piece) {
    MappingNode* source = next_in_window_locked(request.from_space, cursor, request.from_base + request.size);
    if (source == nullptr) return false;
    uint64_t start = max(source->m_vaddr, request.from_base);
    piece.source = source;
    piece.dst = uintptr_t(request.to_base + (start - request.from_base));
    piece.phys = source->m_phys + (start - source->m_vaddr);
    piece.size = size_t(min(source->m_size, request.size));
    piece.rights = source->m_rights & request.rights;
    return true;
}

/// Map only: the destination already holds exactly this piece, mapped from
/// the same source node. Mapping it again adds rights; nothing is replaced.
bool MappingDb::is_upgrade_locked(const Request& request, const Piece& piece) {
    if (request.how != Transfer::Map) return false;
    MappingNode* existing = m_target.lookup(request.to_space, piece.dst);
    return existing != nullptr && existing->m_vaddr == piece.dst && existing->m_size == piece.size &&
           existing->m_phys == piece.phys && existing->m_parent == piece.source;
}

/// A piece needs a new node unless it has no rights (skipped) or is an upgrade.
bool MappingDb::needs_node_locked(const Request& request, const Piece& piece) {
    return any(piece.rights) && !is_upgrade_locked(request, piece);
}

/// True if `node` or one of its ancestors is a mapping of `space` that
/// overlaps [base, end): flushing that window would take `node` with it.
bool MappingDb::derives_from_window_locked(MappingNode* node, MappingSpace* space, uint64_t base, uint64_t end) {
    for (; node != nullptr; node = node->m_parent)
        if (node->m_space == space && node->m_vaddr < end && node->end() > base) return true;
    return false;
}

// Map and grant in six steps, M1 to M6. M1-M3 (try_reserve_locked) only look
// and allocate, so they may fail and leave everything as it was; M4-M6
// (commit_piece_locked, once per piece) change the database and cannot fail.
MdbError MappingDb::try_transfer(Transfer how, MappingSpace* from_space, uintptr_t from_addr, MappingSpace* to_space,
                                 uintptr_t to_addr, size_t size, Rights rights) {
    if (!is_fpage_window(from_addr, size) || !is_fpage_window(to_addr, size)) return MdbError::InvalidArgument;
    Request request{how, from_space, from_addr, to_space, to_addr, size, rights};
    SpinLockGuard guard(m_lock);
    MappingNode* reserved = nullptr;
    MdbError error = try_reserve_locked(request, reserved);
    if (error != MdbError::Ok) return error;

    uint64_t cursor = request.from_base;
    Piece piece;
    while (next_piece_locked(request, cursor, piece))
        if (any(piece.rights)) commit_piece_locked(request, piece, reserved);

    // A map uses every reserved node. A grant may have some left: when a
    // piece's M6 took rights from the source of a later piece, that piece
    // may have lost its rights or its source.
    KASSERT(how == Transfer::Grant || reserved == nullptr);
    free_reserved_locked(reserved);
    return MdbError::Ok;
}

MdbError MappingDb::try_reserve_locked(const Request& request, MappingNode*& reserved) {
    // (M1) Can every piece be done? Does one replace a destination mapping?
    bool replaces = false;
    uint64_t cursor = request.from_base;
    Piece piece;
    while (next_piece_locked(request, cursor, piece)) {
        if (!needs_node_locked(request, piece)) continue;
        if (request.how == Transfer::Grant && piece.source->m_size > request.size) return MdbError::SplitsMapping;
        uint64_t dst = piece.dst;
        if (next_in_window_locked(request.to_space, dst, dst + piece.size) != nullptr) replaces = true;
    }

    // (M2) A replaced mapping goes with its subtree (M4). If a source is in
    // such a subtree, refuse: the map would saw off the branch it sits on.
    // (Checked against the whole destination window: simpler, and only
    // stricter in cases no pager has reason to make.)
    cursor = request.from_base;
    while (replaces && next_piece_locked(request, cursor, piece))
        if (any(piece.rights) &&
            derives_from_window_locked(piece.source, request.to_space, request.to_base, request.to_base + request.size))
            return MdbError::SourceInDestination;

    // (M3) Allocate every node, and let the target allocate its page tables.
    cursor = request.from_base;
    while (next_piece_locked(request, cursor, piece)) {
        if (!needs_node_locked(request, piece)) continue;
        MappingNode* node = try_alloc_node_locked(request.to_space);
        if (node != nullptr) {
            node->m_next_sibling = reserved;
            reserved = node;
        }
        if (node == nullptr || !m_target.try_prepare(request.to_space, piece.dst, piece.size)) {
            free_reserved_locked(reserved);
            reserved = nullptr;
            return MdbError::OutOfMemory;
        }
    }
    return MdbError::Ok;
}

void MappingDb::commit_piece_locked(const Request& request, const Piece& piece, MappingNode*& reserved) {
    if (is_upgrade_locked(request, piece)) {
        MappingNode* existing = m_target.lookup(request.to_space, piece.dst);
        if ((existing->m_rights | piece.rights) != existing->m_rights) {
            existing->m_rights |= piece.rights;
            m_target.update_rights(existing);
        }
        return;
    }
    // (M4) The destination loses whatever it had there, with its subtrees.
    (void)revoke_window_locked(Revoke::AlsoOwn, request.to_space, piece.dst, uint64_t(piece.dst) + piece.size,
                               Rights::Full);

    // (M5) Fill in a reserved node (it is on to_space's home node).
    MappingNode* node = reserved;
    KASSERT(node != nullptr);
    reserved = node->m_next_sibling;
    node->m_next_sibling = nullptr;
    node->m_vaddr = piece.dst;
    node->m_phys = piece.phys;
    node->m_size = piece.size;
    node->m_rights = piece.rights;
    if (request.how == Transfer::Map) {
        link_child_locked(piece.source, node);
        m_target.install(node);
        return;
    }

    // (M6) Grant: the new node takes the source's place in its tree, and the
    // source entry goes (its access status with it). Children may not keep
    // rights the moved mapping lost.
    MappingNode* source = piece.source;
    KASSERT(source->m_size == piece.size && source->m_phys == piece.phys);
    Rights lost = without(source->m_rights, piece.rights);
    (void)m_target.remove(source);
    move_node_locked(source, node);
    free_node_locked(source);
    m_target.install(node);
    for (MappingNode* child = node->m_first_child; child != nullptr && any(lost);) {
        MappingNode* next = child->m_next_sibling;
        (void)revoke_subtree_locked(child, lost);
        child = next;
    }
}

}  // namespace mm
