// mapping_unmap.cc: the L4 operations of the mapping database that take
// memory back: unmap (what a space mapped on to others) and flush (that, and
// the space's own mappings), with rights reduction and the accessed/dirty
// status bits read on the way (the semantics and the picture are in
// mapping_db.h; map and grant are in mapping_db.cc).
//
// Invariants: those of mapping_tree.cc; unmap never fails on a valid window
// and needs no memory (mappings are never split).
// Lock: m_lock, taken by unmap() and flush() for the whole operation.
// Tests: tests/host/mapping_db_test.cc, mapping_db_model_test.cc. Thesis: 2.1.1.
#include "mm/mapping_db.h"

namespace mm {

namespace {

uint64_t max(uint64_t a, uint64_t b) { return a > b ? a : b; }
uint64_t min(uint64_t a, uint64_t b) { return a < b ? a : b; }

}  // namespace

MdbError MappingDb::unmap(MappingSpace* space, uintptr_t addr, size_t size, Rights rights, Rights& status) {
    return revoke(Revoke::Derived, space, addr, size, rights, status);
}

MdbError MappingDb::flush(MappingSpace* space, uintptr_t addr, size_t size, Rights rights, Rights& status) {
    return revoke(Revoke::AlsoOwn, space, addr, size, rights, status);
}

MdbError MappingDb::revoke(Revoke which, MappingSpace* space, uintptr_t addr, size_t size, Rights rights,
                           Rights& status) {
    status = Rights::None;
    if (!is_fpage_window(addr, size)) return MdbError::InvalidArgument;
    SpinLockGuard guard(m_lock);
    status = revoke_window_locked(which, space, addr, uint64_t(addr) + size, rights);
    return MdbError::Ok;
}

// The unmap protocol, U1 to U5, for one window of one space (map's M4 is a
// flush of the destination window):
//
//   (U1) Find the space's mappings that overlap the window, in address order
//        (the "given" mappings, G).
//   (U2) Flush: G is affected with everything below it: U4 on G.
//   (U3) Unmap: G keeps its rights and its own status, which is not
//        reported (Pistachio does the same). Affected are the children of G
//        that map physical memory inside the window's part of G, each with
//        its whole subtree: U4 on each. What they report is added to G's
//        status too, so that a flush of G, or an unmap from G's parent,
//        later learns of those accesses. A child outside that part is not
//        touched, nor is anything below it (a child's physical range lies
//        inside its parent's).
//   (U4) In an affected subtree every mapping loses `rights` and reports its
//        status (revoke_subtree_locked, mapping_tree.cc);
//   (U5) a mapping left with no rights is removed with its subtree
//        (remove_subtree_locked).
//
// Mappings are never split: a mapping that overlaps the window only in part
// is affected in whole (in U2, and in U3 when a child is larger than the
// window's part of G). Splitting would need memory, and unmap must
// not fail; the pager can map back what it still wants.
Rights MappingDb::revoke_window_locked(Revoke which, MappingSpace* space, uint64_t base, uint64_t end, Rights rights) {
    Rights status = Rights::None;
    uint64_t cursor = base;
    while (MappingNode* given = next_in_window_locked(space, cursor, end)) {
        if (which == Revoke::AlsoOwn) {
            status |= revoke_subtree_locked(given, rights);
            continue;
        }
        uint64_t phys_base = given->m_phys + (max(given->m_vaddr, base) - given->m_vaddr);
        uint64_t phys_end = given->m_phys + (min(given->end(), end) - given->m_vaddr);
        Rights below = Rights::None;
        for (MappingNode* child = given->m_first_child; child != nullptr;) {
            MappingNode* next = child->m_next_sibling;
            if (child->m_phys < phys_end && child->phys_end() > phys_base)
                below |= revoke_subtree_locked(child, rights);
            child = next;
        }
        uint64_t part = max(given->m_vaddr, base);
        m_target.add_status(given, uintptr_t(part), size_t(min(given->end(), end) - part), below);
        status |= below;
    }
    return status;
}

}  // namespace mm
