// mapping_node_cache.h: mapping-database nodes, packed many to a page, on
// the NUMA node the database asks for.
//
// A MappingNode is 40 bytes, but kmem (Lab 1) hands out 1 KiB granules: one
// node per granule would spend 25 times the memory, and a task of 64 MiB
// needs 16384 nodes. So the cache takes whole 4 KiB pages from kmem on the
// wanted node and cuts each into slots:
//
//   page (4 KiB, from kmem on node n)
//   +--------------+------+------+------+-----+------+
//   | CachePage    | slot | slot | slot | ... | slot |     slots: 48 bytes
//   | next, free,  +------+------+------+-----+------+
//   | used, node   |  a free slot's first word links the next free slot
//   +--------------+
//
// Each node keeps a list of its pages that have a free slot. A page whose
// slots are all free again goes back to kmem, so the kernel's free memory
// returns to where it was once the mappings are gone (the leak checks rely
// on it).
//
// Lock: none of its own; the mapping database calls it with its lock held.
#pragma once

#include <stddef.h>

#include "mm/mapping_db.h"
#include "platform/topology.h"

namespace mm {

class MappingNodeCache final : public MappingNodeAllocator {
public:
    void* node_alloc(size_t size, unsigned node) override;
    void node_free(void* block, size_t size) override;

private:
    struct CachePage;
    CachePage* m_partial[platform::kMaxNodes] = {};  // pages with a free slot, per node
};

}  // namespace mm
