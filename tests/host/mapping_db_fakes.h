// mapping_db_fakes.h: a fake page table and a fake node allocator for the
// mapping database tests (kernel/mm/mapping_db.h), and a checker of the
// database's invariants.
//
// FakeTarget keeps one entry per mapping in a std::map, so a test can say
// exactly which spaces hold which memory after each operation; it also
// checks that the MDB only installs into empty ranges and only touches
// entries that exist. FakeAllocator records the NUMA node of every block
// and can be told to fail its Nth call.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "mm/mapping_db.h"

namespace test {

using mm::MappingNode;
using mm::MappingSpace;
using mm::Rights;

inline uintptr_t key_of(const MappingSpace* space) { return reinterpret_cast<uintptr_t>(space); }

class FakeTarget final : public mm::MappingTarget {
public:
    struct Entry {
        uint64_t phys;
        size_t size;
        Rights rights;
        Rights status;
        MappingNode* node;
    };
    using Key = std::pair<uintptr_t, uint64_t>;  // (space, vaddr where the mapping starts)

    MappingNode* lookup(MappingSpace* space, uintptr_t vaddr) override {
        auto it = find_covering(space, vaddr);
        return it == entries.end() ? nullptr : it->second.node;
    }

    bool try_prepare(MappingSpace*, uintptr_t, size_t) override {
        ++prepares;
        return !fails_now(fail_prepare);
    }

    void install(MappingNode* node) override {
        REQUIRE(node->rights() != Rights::None);
        REQUIRE(!overlaps(node->space(), node->vaddr(), node->end()));
        entries[{key_of(node->space()), node->vaddr()}] = {node->phys(), node->size(), node->rights(), Rights::None,
                                                           node};
    }

    void update_rights(MappingNode* node) override {
        REQUIRE(node->rights() != Rights::None);
        entry_of(node).rights = node->rights();
    }

    Rights read_and_clear_status(MappingNode* node) override {
        return std::exchange(entry_of(node).status, Rights::None);
    }

    void add_status(MappingNode* node, uintptr_t, size_t, Rights status) override { entry_of(node).status |= status; }

    Rights remove(MappingNode* node) override {
        Rights status = entry_of(node).status;
        entries.erase({key_of(node->space()), node->vaddr()});
        return status;
    }

    /// A user-level access to `vaddr`: sets the status bits the entry's
    /// rights allow, as the MMU sets accessed and dirty. False if unmapped.
    bool touch(const MappingSpace& space, uintptr_t vaddr, Rights access) {
        auto it = find_covering(&space, vaddr);
        if (it == entries.end()) return false;
        it->second.status |= access & it->second.rights;
        return true;
    }

    /// The entry covering vaddr, if any.
    std::optional<Entry> at(const MappingSpace& space, uintptr_t vaddr) {
        auto it = find_covering(&space, vaddr);
        if (it == entries.end()) return std::nullopt;
        return it->second;
    }

    bool maps(const MappingSpace& space, uintptr_t vaddr) { return at(space, vaddr).has_value(); }
    Rights rights_at(const MappingSpace& space, uintptr_t vaddr) {
        auto entry = at(space, vaddr);
        return entry ? entry->rights : Rights::None;
    }

    std::map<Key, Entry> entries;
    unsigned prepares = 0;
    unsigned fail_prepare = 0;  // the Nth try_prepare from now fails (0: none)

    static bool fails_now(unsigned& countdown) { return countdown != 0 && --countdown == 0; }

private:
    std::map<Key, Entry>::iterator find_covering(const MappingSpace* space, uint64_t vaddr) {
        auto it = entries.upper_bound({key_of(space), vaddr});
        if (it == entries.begin()) return entries.end();
        --it;
        if (it->first.first != key_of(space) || vaddr >= it->first.second + it->second.size) return entries.end();
        return it;
    }

    bool overlaps(const MappingSpace* space, uint64_t base, uint64_t end) {
        if (find_covering(space, base) != entries.end()) return true;
        auto it = entries.lower_bound({key_of(space), base});
        return it != entries.end() && it->first.first == key_of(space) && it->first.second < end;
    }

    Entry& entry_of(MappingNode* node) {
        auto it = entries.find({key_of(node->space()), node->vaddr()});
        REQUIRE(it != entries.end());
        REQUIRE(it->second.node == node);
        REQUIRE(it->second.size == node->size());
        return it->second;
    }
};

class FakeAllocator final : public mm::MappingNodeAllocator {
public:
    FakeAllocator() = default;
    FakeAllocator(const FakeAllocator&) = delete;
    FakeAllocator& operator=(const FakeAllocator&) = delete;
    /// A test that ends with mappings in place leaves their nodes here.
    ~FakeAllocator() {
        for (auto& [block, node] : live) std::free(block);
    }

    void* node_alloc(size_t size, unsigned node) override {
        ++calls;
        if (FakeTarget::fails_now(fail_alloc)) return nullptr;
        void* block = std::aligned_alloc(alignof(std::max_align_t), (size + 15) & ~size_t(15));
        live[block] = node;
        return block;
    }

    void node_free(void* block, size_t size) override {
        REQUIRE(size == sizeof(MappingNode));
        REQUIRE(live.erase(block) == 1);
        std::free(block);
    }

    size_t live_on(unsigned node) const {
        size_t count = 0;
        for (auto& [block, on] : live) count += on == node;
        return count;
    }

    std::map<void*, unsigned> live;  // block -> NUMA node it was allocated on
    unsigned calls = 0;
    unsigned fail_alloc = 0;  // the Nth node_alloc from now fails (0: none)
};

/// A database on a fake target and allocator.
struct MdbFixture {
    FakeTarget target;
    FakeAllocator allocator;
    mm::MappingDb mdb{target, allocator};
};

/// Checks every invariant the database promises, through the fake's entries:
/// each entry's node describes it, lives on its space's home node and sits
/// in a consistent tree (rights and physical range inside the parent's), and
/// there are exactly as many nodes as entries.
inline void check_invariants(MdbFixture& f) {
    for (auto& [key, entry] : f.target.entries) {
        MappingNode* node = entry.node;
        REQUIRE(node != nullptr);
        CHECK(key_of(node->space()) == key.first);
        CHECK(node->vaddr() == key.second);
        CHECK(node->phys() == entry.phys);
        CHECK(node->size() == entry.size);
        CHECK(node->rights() == entry.rights);
        CHECK(entry.rights != Rights::None);
        CHECK(f.allocator.live.count(node) == 1);
        CHECK(f.allocator.live[node] == node->space()->home_node());
        for (MappingNode* child = node->first_child(); child != nullptr; child = child->next_sibling())
            CHECK(child->parent() == node);
        if (MappingNode* parent = node->parent()) {
            CHECK(f.target.lookup(parent->space(), parent->vaddr()) == parent);
            CHECK(without(node->rights(), parent->rights()) == Rights::None);
            CHECK(node->phys() >= parent->phys());
            CHECK(node->phys_end() <= parent->phys_end());
            bool listed = false;
            for (MappingNode* c = parent->first_child(); c != nullptr; c = c->next_sibling()) listed |= c == node;
            CHECK(listed);
        }
    }
    CHECK(f.mdb.node_count() == f.target.entries.size());
    CHECK(f.allocator.live.size() == f.target.entries.size());
}

}  // namespace test

// How Catch2 prints rights and errors in a failed check.
namespace Catch {
template <>
struct StringMaker<mm::Rights> {
    static std::string convert(mm::Rights r) {
        std::string s = "---";
        if (any(r & mm::Rights::Read)) s[0] = 'r';
        if (any(r & mm::Rights::Write)) s[1] = 'w';
        if (any(r & mm::Rights::Execute)) s[2] = 'x';
        return s;
    }
};
template <>
struct StringMaker<mm::MdbError> {
    static std::string convert(mm::MdbError e) {
        static const char* const names[] = {"Ok",       "InvalidArgument", "OutOfMemory",
                                            "Occupied", "SplitsMapping",   "SourceInDestination"};
        return names[size_t(e)];
    }
};
}  // namespace Catch
