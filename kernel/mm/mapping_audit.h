// mapping_audit.h: the invariant checker's walk of the mapping database
// (syscall/kcheck.h runs it with every other CPU stopped).
//
// The database has no list of its nodes: they are found from the page tables
// of the spaces that exist, through the node pointer beside each entry
// (mapping_db.h). For every entry that maps something, and every node, this
// checks:
//  - the entry has a node, unless it lies in the space's KIP or UTCB area
//    (the kernel maps those pages itself; they are no mapping);
//  - the node names this space, covers the address and maps the same frame;
//  - the node's parent, if any, is in a space that exists, lists the node
//    among its children, covers its frames and has at least its rights;
//  - every child's parent link points back, and the child's space exists;
//  - the nodes reached are exactly as many as the database counts.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/invariant_report.h"
#include "mm/space.h"

namespace mm {

/// The spaces that exist, found through their threads, each with one of its
/// threads' ids to name it by.
class LiveSpaces {
public:
    static constexpr unsigned kMax = 4096;  // one per thread at most

    /// Adds `space` (no effect if it is in already).
    void add(Space* space, uint32_t thread);
    bool contains(const MappingSpace* space) const { return index_of(space) >= 0; }
    /// The id of a thread of `space` (0 if it is not in).
    uint32_t thread_of(const MappingSpace* space) const;
    unsigned count() const { return m_count; }
    Space* space(unsigned i) const { return m_spaces[i]; }
    void clear() { m_count = 0; }

private:
    int index_of(const MappingSpace* space) const;

    Space* m_spaces[kMax] = {};
    uint32_t m_threads[kMax] = {};
    unsigned m_count = 0;
};

/// Checks every mapping of every space in `spaces` (the list above) into
/// `report`; `counted` is the database's own count of its nodes. A space
/// whose lock is held (a CPU stopped inside an operation on it) is reported
/// as not checked, a violation too: the check must see a quiet kernel.
void audit_spaces(const LiveSpaces& spaces, size_t counted, kcheck::InvariantReport& report);

/// audit_spaces() under the mapping database's lock: false, with nothing
/// checked, when another CPU holds it (mappings.cc).
[[nodiscard]] bool try_audit_mappings(const LiveSpaces& spaces, kcheck::InvariantReport& report);

}  // namespace mm
