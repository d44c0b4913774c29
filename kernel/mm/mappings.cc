// mappings.cc: the kernel's mapping database and its outer lock (mappings.h).
#include "mm/mappings.h"

#include "mm/mapping_audit.h"
#include "mm/mapping_node_cache.h"
#include "smp/cross_call.h"

namespace mm {

namespace {

// The mapping database's view of the page tables: every call goes to the Space.
class SpaceTarget final : public MappingTarget {
public:
    MappingNode* lookup(MappingSpace* space, uintptr_t vaddr) override { return as_space(space)->lookup(vaddr); }
    bool try_prepare(MappingSpace* space, uintptr_t vaddr, size_t size) override {
        return as_space(space)->try_prepare(vaddr, size);
    }
    void install(MappingNode* node) override { as_space(node->space())->install(node); }
    void update_rights(MappingNode* node) override { as_space(node->space())->update_rights(node); }
    Rights read_and_clear_status(MappingNode* node) override {
        return as_space(node->space())->read_and_clear_status(node);
    }
    void add_status(MappingNode* node, uintptr_t vaddr, size_t size, Rights status) override {
        as_space(node->space())->add_status(vaddr, size, status);
    }
    Rights remove(MappingNode* node) override { return as_space(node->space())->remove(node); }
    uint64_t skip_unmapped(MappingSpace* space, uint64_t cursor, uint64_t end) override {
        // A 4 MiB region without a page table holds no mapping.
        while (cursor < end && as_space(space)->lookup_table_free(uintptr_t(cursor)))
            cursor = (cursor | 0x3FFFFF) + 1;
        return cursor;
    }

private:
    static Space* as_space(MappingSpace* space) { return static_cast<Space*>(space); }
};

SpaceTarget g_target;
MappingNodeCache g_node_allocator;
MappingDb g_mapping_db(g_target, g_node_allocator);
SpinLock g_outer_lock;

}  // namespace

MdbError add_root(Space* space, uintptr_t vaddr, uint64_t phys, size_t size, Rights rights) {
    smp::ServingCallsGuard guard(g_outer_lock);
    return g_mapping_db.try_add_root(space, vaddr, phys, size, rights);
}

MdbError map(Space* from, uintptr_t from_addr, Space* to, uintptr_t to_addr, size_t size, Rights rights,
             bool grant) {
    smp::ServingCallsGuard guard(g_outer_lock);
    return grant ? g_mapping_db.try_grant(from, from_addr, to, to_addr, size, rights)
                 : g_mapping_db.try_map(from, from_addr, to, to_addr, size, rights);
}

MdbError unmap(Space* space, uintptr_t addr, size_t size, Rights rights, bool flush, Rights& status) {
    smp::ServingCallsGuard guard(g_outer_lock);
    return flush ? g_mapping_db.flush(space, addr, size, rights, status)
                 : g_mapping_db.unmap(space, addr, size, rights, status);
}

size_t mapping_node_count() {
    smp::ServingCallsGuard guard(g_outer_lock);
    return g_mapping_db.node_count();
}

bool try_audit_mappings(const LiveSpaces& spaces, kcheck::InvariantReport& report) {
    if (!g_outer_lock.try_lock()) return false;
    audit_spaces(spaces, g_mapping_db.node_count(), report);
    g_outer_lock.unlock();
    return true;
}

}  // namespace mm
