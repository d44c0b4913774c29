// mapping_db.h: the L4 mapping database (thesis 2.1.1, 3.3.3; L4 X.2 map,
// grant, unmap).
//
// L4 builds address spaces recursively. sigma0 owns all physical memory; any
// space can map a page it holds on to another space, which can map it on
// again. The mapping database (MDB) remembers who got each mapping from whom,
// so that an unmap can take back everything that was derived from a mapping.
// One page mapped on like this (compare the thesis's Figures 2.2 and 3.8)
// gives one derivation tree:
//
//   who mapped to whom             the tree of that page (space, vaddr, rights)
//
//        sigma0                           sigma0 0x00100000 rwx      <- the root
//          | map                                  |
//          A                              A 0x00010000 rwx
//   map  /   \  map                        /             \
//       B     D                   B 0x00020000 rw    D 0x00030000 rw
//       | map                             |
//       C                         C 0x00007000 r
//
//   unmap(A, 0x10000): B, C and D lose the page; A and sigma0 keep it.
//   flush(A, 0x10000): A loses it too. Only sigma0's mapping is left.
//
// The operations (a "window" is a naturally aligned power-of-two range of at
// least 4 KiB, an L4 fpage):
//
//  - try_add_root: a mapping with no parent, sigma0's mapping of physical memory.
//  - try_map: each mapping of the source space in the source window gets one
//    child in the destination, with rights = the source's & the requested.
//    Size rule: the child covers the part of its source that lies in the
//    window, so a 4 KiB window in a 4 MiB mapping gives one 4 KiB child, and
//    a 4 MiB window over 4 KiB mappings gives one 4 KiB child per mapping
//    (holes stay holes, as in L4). Whatever the destination held in those
//    places is flushed first, except that mapping the same page again from
//    the same parent only adds rights (a pager answering a write fault).
//  - try_grant: each source mapping in the window moves to the destination:
//    the node changes owner, keeps its parent and its children, the source
//    space loses it. A grant must move whole mappings: a window inside a
//    larger mapping is refused (splitting would need memory and a rule).
//  - unmap: revokes rights from every mapping derived from the space's
//    mappings in the window (recursively); a mapping left with no rights is
//    removed with its whole subtree. flush: the same, and from the space's
//    own mappings too. Both return the access status (referenced, dirty,
//    executed) of the mappings they revoke from, ORed together (L4 X.2):
//    an unmap does not report the caller's own accesses, and keeps what it
//    read below a mapping in that mapping's status, so a later flush of it,
//    or an unmap from further up the tree, still sees them (as Pistachio).
//    A mapping is never split: a window that covers part of a derived
//    mapping acts on all of it (see revoke_window_locked in mapping_db.cc).
//
// NUMA (thesis 3.3.3): the MappingNode that describes a mapping into space S
// is allocated on S's home node, in one place: MappingDb::try_alloc_node_locked.
// A pager and the spaces it pages live on one NUMA node, so the MDB work of
// a page fault touches only that node's memory.
//
// No partial state: try_map and try_grant first allocate every node they
// will need and let the target allocate its page tables, then change
// anything. A failure returns OutOfMemory with nothing changed.
//
// Finding the node of (space, vaddr): the kernel keeps a pointer to the
// MappingNode beside each page-table entry (Pistachio's "shadow" table,
// thesis 4.1.2), so the MDB asks the MappingTarget; it has no index of its own.
//
// Lock: one spin lock for the whole database (m_lock), held across every
// operation, including its calls into the MappingTarget and the allocator.
// Simple and correct; a lock per tree or per physical page is future work.
// Never taken in an interrupt handler.
//
// Tests: tests/host/mapping_db_test.cc and mapping_db_model_test.cc ([mdb]).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/spin_lock.h"
#include "mm/mapping_node.h"

namespace mm {

enum class MdbError : uint8_t {
    Ok,
    InvalidArgument,      ///< a window whose size is not a power of two >= 4 KiB, whose address
                          ///< is not aligned to its size or which wraps; a root without rights
    OutOfMemory,          ///< a node or a page table could not be allocated; nothing changed
    Occupied,             ///< try_add_root: the range already holds a mapping
    SplitsMapping,        ///< try_grant: the window is part of a larger mapping
    SourceInDestination,  ///< the source derives from a mapping the destination window would lose
};

/// The page tables, as the MDB sees them. Every call is made with the MDB
/// lock held (it comes before any page-table lock the target takes); an
/// implementation must not call back into the MappingDb. A mapping may be
/// larger than a hardware page: the target enters it as several entries
/// (4 MiB ones where aligned, else 4 KiB) and keeps the node pointer beside
/// each of them. Rights taken away (remove, update_rights with fewer) must
/// be gone from every CPU's TLB before the MDB operation returns.
class MappingTarget {
public:
    /// The node stored beside the entry that maps `vaddr` in `space` (the
    /// node covers vaddr but may start below it), or nullptr.
    virtual MappingNode* lookup(MappingSpace* space, uintptr_t vaddr) = 0;

    /// Allocates, on the space's home node, the page tables that install()
    /// of [vaddr, vaddr + size) will need; false if out of memory. Page
    /// tables prepared for a map that then fails may stay (they are empty).
    [[nodiscard]] virtual bool try_prepare(MappingSpace* space, uintptr_t vaddr, size_t size) = 0;

    /// Enters `node` (space, vaddr, size -> phys, rights) and the pointer to
    /// it. The range was prepared and holds no mapping.
    virtual void install(MappingNode* node) = 0;

    /// Sets the rights of an installed mapping to node->rights() (fewer or
    /// more); the access status stays.
    virtual void update_rights(MappingNode* node) = 0;

    /// Reads and clears the access status of an installed mapping.
    [[nodiscard]] virtual Rights read_and_clear_status(MappingNode* node) = 0;

    /// Adds `status` to the access status of the part [vaddr, vaddr + size) of an
    /// installed mapping (an unmap keeps what it read below a mapping there, for a
    /// later flush or an unmap above): only that part, so that the cost follows the
    /// window, not the size of the mapping.
    virtual void add_status(MappingNode* node, uintptr_t vaddr, size_t size, Rights status) = 0;

    /// Removes an installed mapping and its node pointer; returns the access
    /// status it had, which would otherwise be lost.
    [[nodiscard]] virtual Rights remove(MappingNode* node) = 0;

    /// The lowest address >= `cursor` that may hold a mapping, or any value
    /// >= `end` if none below `end` can (a target skips regions that have
    /// no page table). The default skips nothing.
    virtual uint64_t skip_unmapped(MappingSpace* /*space*/, uint64_t cursor, uint64_t /*end*/) { return cursor; }

protected:
    ~MappingTarget() = default;
};

/// Memory for mapping nodes: in the kernel kmem::alloc/kmem::free (Lab 1).
class MappingNodeAllocator {
public:
    /// `size` bytes on NUMA node `node` (or the nearest with room), or nullptr.
    [[nodiscard]] virtual void* node_alloc(size_t size, unsigned node) = 0;
    virtual void node_free(void* block, size_t size) = 0;

protected:
    ~MappingNodeAllocator() = default;
};

class MappingDb {
public:
    MappingDb(MappingTarget& target, MappingNodeAllocator& allocator) : m_target(target), m_allocator(allocator) {}
    MappingDb(const MappingDb&) = delete;
    MappingDb& operator=(const MappingDb&) = delete;

    /// A root: `space` holds [vaddr, vaddr + size) -> [phys, phys + size)
    /// derived from nobody (sigma0's memory). The range must be empty; the
    /// caller promises that no other root covers the same physical memory.
    [[nodiscard]] MdbError try_add_root(MappingSpace* space, uintptr_t vaddr, uint64_t phys, size_t size, Rights rights)
        EXCLUDES(m_lock);

    /// L4 map: see the file comment. Both windows have size `size`.
    [[nodiscard]] MdbError try_map(MappingSpace* from_space, uintptr_t from_addr, MappingSpace* to_space,
                                   uintptr_t to_addr, size_t size, Rights rights) EXCLUDES(m_lock);

    /// L4 grant: see the file comment. A moved mapping keeps only `rights`
    /// of its rights, and its subtree loses the others.
    [[nodiscard]] MdbError try_grant(MappingSpace* from_space, uintptr_t from_addr, MappingSpace* to_space,
                                     uintptr_t to_addr, size_t size, Rights rights) EXCLUDES(m_lock);

    /// L4 unmap: revokes `rights` from everything derived from the space's
    /// mappings in the window; `status` gets the access status of those
    /// mappings and of everything visited below them. Rights::None only
    /// reads (and clears) the status.
    [[nodiscard]] MdbError unmap(MappingSpace* space, uintptr_t addr, size_t size, Rights rights, Rights& status)
        EXCLUDES(m_lock);

    /// L4 flush: unmap, and revoke `rights` from the space's own mappings too.
    [[nodiscard]] MdbError flush(MappingSpace* space, uintptr_t addr, size_t size, Rights rights, Rights& status)
        EXCLUDES(m_lock);

    /// Mapping nodes in use (statistics and leak checks).
    size_t node_count() EXCLUDES(m_lock) {
        SpinLockGuard guard(m_lock);
        return m_node_count;
    }

private:
    enum class Transfer { Map, Grant };
    enum class Revoke { Derived, AlsoOwn };
    struct Request;  // one map or grant, as asked (mapping_db.cc)
    struct Piece;    // what one source mapping gives to it (mapping_db.cc)

    MdbError try_transfer(Transfer how, MappingSpace* from_space, uintptr_t from_addr, MappingSpace* to_space,
                          uintptr_t to_addr, size_t size, Rights rights) EXCLUDES(m_lock);
    MdbError revoke(Revoke which, MappingSpace* space, uintptr_t addr, size_t size, Rights rights, Rights& status)
        EXCLUDES(m_lock);

    // Windows (mapping_db.cc)
    MappingNode* next_in_window_locked(MappingSpace* space, uint64_t& cursor, uint64_t end) REQUIRES(m_lock);
    bool next_piece_locked(const Request& request, uint64_t& cursor, Piece& piece) REQUIRES(m_lock);
    bool is_upgrade_locked(const Request& request, const Piece& piece) REQUIRES(m_lock);
    bool needs_node_locked(const Request& request, const Piece& piece) REQUIRES(m_lock);
    bool derives_from_window_locked(MappingNode* node, MappingSpace* space, uint64_t base, uint64_t end)
        REQUIRES(m_lock);
    MdbError try_reserve_locked(const Request& request, MappingNode*& reserved) REQUIRES(m_lock);
    void commit_piece_locked(const Request& request, const Piece& piece, MappingNode*& reserved) REQUIRES(m_lock);
    Rights revoke_window_locked(Revoke which, MappingSpace* space, uint64_t base, uint64_t end, Rights rights)
        REQUIRES(m_lock);

    // Nodes and trees (mapping_tree.cc)
    MappingNode* try_alloc_node_locked(MappingSpace* space) REQUIRES(m_lock);
    void free_node_locked(MappingNode* node) REQUIRES(m_lock);
    void free_reserved_locked(MappingNode* reserved) REQUIRES(m_lock);
    void link_child_locked(MappingNode* parent, MappingNode* child) REQUIRES(m_lock);
    void unlink_locked(MappingNode* node) REQUIRES(m_lock);
    void move_node_locked(MappingNode* from, MappingNode* to) REQUIRES(m_lock);
    Rights revoke_subtree_locked(MappingNode* top, Rights rights) REQUIRES(m_lock);
    Rights remove_subtree_locked(MappingNode* top) REQUIRES(m_lock);

    MappingTarget& m_target;
    MappingNodeAllocator& m_allocator;

    // Every MappingNode of this database is guarded by m_lock as well.
    SpinLock m_lock;
    size_t m_node_count GUARDED_BY(m_lock) = 0;
};

}  // namespace mm
