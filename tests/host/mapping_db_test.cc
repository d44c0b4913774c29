// mapping_db_test.cc: the L4 mapping database (kernel/mm/mapping_db.h), one
// scenario at a time, on a fake page table (mapping_db_fakes.h). The deep
// chain and the random operations checked against a model are in
// mapping_db_model_test.cc.
#include <catch2/catch.hpp>

#include <tuple>

#include "mapping_db_fakes.h"

namespace {

using mm::MdbError;
using mm::Rights;
using test::MdbFixture;

constexpr size_t kPage = 4096;
constexpr size_t kSuper = 4 * 1024 * 1024;

/// sigma0 and four spaces on three NUMA nodes.
struct World : MdbFixture {
    mm::MappingSpace sigma0{0}, a{0}, b{1}, c{1}, d{2};

    MdbError root(uintptr_t vaddr, size_t size, Rights rights = Rights::Full) {
        return mdb.try_add_root(&sigma0, vaddr, vaddr, size, rights);
    }
    MdbError map(mm::MappingSpace& from, uintptr_t from_addr, mm::MappingSpace& to, uintptr_t to_addr, Rights rights,
                 size_t size = kPage) {
        return mdb.try_map(&from, from_addr, &to, to_addr, size, rights);
    }
    MdbError grant(mm::MappingSpace& from, uintptr_t from_addr, mm::MappingSpace& to, uintptr_t to_addr, Rights rights,
                   size_t size = kPage) {
        return mdb.try_grant(&from, from_addr, &to, to_addr, size, rights);
    }
    Rights unmap(mm::MappingSpace& space, uintptr_t addr, Rights rights, size_t size = kPage) {
        Rights status = Rights::None;
        REQUIRE(mdb.unmap(&space, addr, size, rights, status) == MdbError::Ok);
        return status;
    }
    Rights flush(mm::MappingSpace& space, uintptr_t addr, Rights rights, size_t size = kPage) {
        Rights status = Rights::None;
        REQUIRE(mdb.flush(&space, addr, size, rights, status) == MdbError::Ok);
        return status;
    }
    uint64_t phys_at(mm::MappingSpace& space, uintptr_t vaddr) { return target.at(space, vaddr)->phys; }
    mm::MappingNode* node_at(mm::MappingSpace& space, uintptr_t vaddr) { return target.lookup(&space, vaddr); }

    /// sigma0 0x100000 rwx -> A 0x10000 rwx -> B 0x20000 rw -> C 0x7000 r, and A -> D 0x30000 rw:
    /// the tree drawn in mapping_db.h.
    void build_figure() {
        REQUIRE(root(0x100000, kPage) == MdbError::Ok);
        REQUIRE(map(sigma0, 0x100000, a, 0x10000, Rights::Full) == MdbError::Ok);
        REQUIRE(map(a, 0x10000, b, 0x20000, Rights::ReadWrite) == MdbError::Ok);
        REQUIRE(map(b, 0x20000, c, 0x7000, Rights::Read) == MdbError::Ok);
        REQUIRE(map(a, 0x10000, d, 0x30000, Rights::ReadWrite) == MdbError::Ok);
    }

    /// Everything the page tables say, to compare before and after.
    auto snapshot() {
        std::map<test::FakeTarget::Key, std::tuple<uint64_t, size_t, Rights, mm::MappingNode*>> s;
        for (auto& [key, e] : target.entries) s[key] = {e.phys, e.size, e.rights, e.node};
        return s;
    }
};

}  // namespace

TEST_CASE("mdb: sigma0's roots, and windows that are not fpages", "[mdb]") {
    World w;
    CHECK(w.root(0x100000, kPage) == MdbError::Ok);
    CHECK(w.root(0x400000, kSuper) == MdbError::Ok);
    CHECK(w.target.rights_at(w.sigma0, 0x100fff) == Rights::Full);
    CHECK(w.target.at(w.sigma0, 0x7fffff)->size == kSuper);
    CHECK_FALSE(w.target.maps(w.sigma0, 0x101000));
    CHECK(w.root(0x400000 + kPage, kPage) == MdbError::Occupied);
    CHECK(w.root(0x200800, kPage) == MdbError::InvalidArgument);      // not aligned
    CHECK(w.root(0x200000, 3 * kPage) == MdbError::InvalidArgument);  // not a power of two
    CHECK(w.root(0x200000, 512) == MdbError::InvalidArgument);        // below 4 KiB
    CHECK(w.root(0x200000, kPage, Rights::None) == MdbError::InvalidArgument);
    CHECK(w.map(w.sigma0, 0x100000, w.a, 0x11000, Rights::ReadWrite, 2 * kPage) == MdbError::InvalidArgument);
    Rights status = Rights::Full;
    CHECK(w.mdb.unmap(&w.sigma0, 0x100000, 5 * kPage, Rights::Full, status) == MdbError::InvalidArgument);
    CHECK(status == Rights::None);
    CHECK(w.mdb.node_count() == 2);
    test::check_invariants(w);
}

TEST_CASE("mdb: unmap takes a page from everything derived, not from the caller (Figure 2.2)", "[mdb]") {
    World w;
    w.build_figure();
    CHECK(w.phys_at(w.c, 0x7000) == 0x100000);
    CHECK(w.mdb.node_count() == 5);
    test::check_invariants(w);

    w.unmap(w.a, 0x10000, Rights::Full);
    CHECK(w.target.maps(w.sigma0, 0x100000));
    CHECK(w.target.maps(w.a, 0x10000));
    CHECK_FALSE(w.target.maps(w.b, 0x20000));
    CHECK_FALSE(w.target.maps(w.c, 0x7000));
    CHECK_FALSE(w.target.maps(w.d, 0x30000));
    CHECK(w.mdb.node_count() == 2);
    test::check_invariants(w);
}

TEST_CASE("mdb: flush takes the caller's own mapping too", "[mdb]") {
    World w;
    w.build_figure();
    SECTION("at A: only sigma0 keeps the page") {
        w.flush(w.a, 0x10000, Rights::Full);
        CHECK(w.target.entries.size() == 1);
        CHECK(w.target.maps(w.sigma0, 0x100000));
    }
    SECTION("at B: A and D keep it") {
        w.flush(w.b, 0x20000, Rights::Full);
        CHECK(w.target.entries.size() == 3);
        CHECK(w.target.maps(w.d, 0x30000));
        CHECK_FALSE(w.target.maps(w.c, 0x7000));
    }
    test::check_invariants(w);
}

TEST_CASE("mdb: unmapping a right takes it from every descendant and leaves the rest", "[mdb]") {
    World w;
    w.build_figure();
    w.unmap(w.a, 0x10000, Rights::Write);
    CHECK(w.target.rights_at(w.a, 0x10000) == Rights::Full);
    CHECK(w.target.rights_at(w.b, 0x20000) == Rights::Read);
    CHECK(w.target.rights_at(w.c, 0x7000) == Rights::Read);
    CHECK(w.target.rights_at(w.d, 0x30000) == Rights::Read);
    // B cannot give what it no longer has.
    REQUIRE(w.map(w.b, 0x20000, w.d, 0x50000, Rights::ReadWrite) == MdbError::Ok);
    CHECK(w.target.rights_at(w.d, 0x50000) == Rights::Read);
    // Taking the last right removes the mappings.
    w.unmap(w.a, 0x10000, Rights::Read);
    CHECK(w.target.entries.size() == 2);
    test::check_invariants(w);
}

TEST_CASE("mdb: mapping again from the same parent adds rights; from elsewhere it replaces", "[mdb]") {
    World w;
    w.build_figure();
    unsigned calls = w.allocator.calls;
    REQUIRE(w.map(w.b, 0x20000, w.c, 0x7000, Rights::ReadWrite) == MdbError::Ok);  // C had r from B
    CHECK(w.target.rights_at(w.c, 0x7000) == Rights::ReadWrite);
    CHECK(w.allocator.calls == calls);
    CHECK(w.mdb.node_count() == 5);

    REQUIRE(w.root(0x200000, kPage) == MdbError::Ok);
    REQUIRE(w.map(w.sigma0, 0x200000, w.b, 0x20000, Rights::Read) == MdbError::Ok);  // over B's page from A
    CHECK(w.phys_at(w.b, 0x20000) == 0x200000);
    CHECK_FALSE(w.target.maps(w.c, 0x7000));  // C's page came from B's old one
    CHECK(w.node_at(w.b, 0x20000)->parent() == w.node_at(w.sigma0, 0x200000));
    test::check_invariants(w);
}

TEST_CASE("mdb: a map may not replace the mapping it derives from", "[mdb]") {
    World w;
    w.build_figure();
    auto before = w.snapshot();
    CHECK(w.map(w.b, 0x20000, w.a, 0x10000, Rights::Read) == MdbError::SourceInDestination);
    CHECK(w.map(w.a, 0x10000, w.a, 0x10000, Rights::Read) == MdbError::SourceInDestination);
    CHECK(w.grant(w.c, 0x7000, w.b, 0x20000, Rights::Read) == MdbError::SourceInDestination);
    CHECK(w.snapshot() == before);
    // Elsewhere in the same space is fine: A maps its page to itself.
    CHECK(w.map(w.a, 0x10000, w.a, 0x90000, Rights::Read) == MdbError::Ok);
    CHECK(w.node_at(w.a, 0x90000)->parent() == w.node_at(w.a, 0x10000));
    test::check_invariants(w);
}

TEST_CASE("mdb: grant moves the mapping and keeps its children", "[mdb]") {
    World w;
    w.build_figure();
    mm::MappingNode* parent = w.node_at(w.sigma0, 0x100000);
    REQUIRE(w.grant(w.a, 0x10000, w.c, 0x60000, Rights::Full) == MdbError::Ok);
    CHECK_FALSE(w.target.maps(w.a, 0x10000));
    CHECK(w.target.rights_at(w.c, 0x60000) == Rights::Full);
    CHECK(w.phys_at(w.c, 0x60000) == 0x100000);
    CHECK(w.node_at(w.c, 0x60000)->parent() == parent);
    CHECK(w.node_at(w.b, 0x20000)->parent() == w.node_at(w.c, 0x60000));
    CHECK(w.node_at(w.d, 0x30000)->parent() == w.node_at(w.c, 0x60000));
    CHECK(w.mdb.node_count() == 5);
    test::check_invariants(w);

    // The new owner's unmap reaches the children; sigma0's reaches the new owner.
    w.unmap(w.c, 0x60000, Rights::Full);
    CHECK(w.target.entries.size() == 2);
    w.unmap(w.sigma0, 0x100000, Rights::Full);
    CHECK(w.target.entries.size() == 1);
    test::check_invariants(w);
}

TEST_CASE("mdb: a grant with fewer rights takes them from the subtree", "[mdb]") {
    World w;
    w.build_figure();
    REQUIRE(w.grant(w.a, 0x10000, w.d, 0x80000, Rights::ReadExecute) == MdbError::Ok);
    CHECK(w.target.rights_at(w.d, 0x80000) == Rights::ReadExecute);
    CHECK(w.target.rights_at(w.b, 0x20000) == Rights::Read);
    CHECK(w.target.rights_at(w.c, 0x7000) == Rights::Read);
    // D's own old mapping (read-write from A) lost its write right too.
    CHECK(w.target.rights_at(w.d, 0x30000) == Rights::Read);
    test::check_invariants(w);
}

TEST_CASE("mdb: access status: an unmap reports what lies below, a flush the mapping too", "[mdb]") {
    World w;
    w.build_figure();
    REQUIRE(w.target.touch(w.b, 0x20000, Rights::Write));
    REQUIRE(w.target.touch(w.c, 0x7000, Rights::ReadWrite));  // C may only read: referenced, not dirty
    REQUIRE(w.target.touch(w.a, 0x10000, Rights::Execute));   // A's own access: not A's unmap's business
    CHECK(w.unmap(w.a, 0x10000, Rights::None) == Rights::ReadWrite);
    CHECK(w.target.entries.size() == 5);                         // Rights::None only reads
    CHECK(w.unmap(w.a, 0x10000, Rights::None) == Rights::None);  // and clears below A

    // What A's unmaps read below A stays in A's status, with A's own: sigma0 sees it all.
    REQUIRE(w.target.touch(w.d, 0x30000, Rights::Read));
    CHECK(w.unmap(w.sigma0, 0x100000, Rights::Write) == Rights::Full);
    CHECK(w.unmap(w.sigma0, 0x100000, Rights::None) == Rights::None);
    REQUIRE(w.target.touch(w.c, 0x7000, Rights::Read));
    CHECK(w.flush(w.b, 0x20000, Rights::Full) == Rights::Read);  // removed entries report too
    CHECK(w.target.entries.size() == 3);
    REQUIRE(w.target.touch(w.a, 0x10000, Rights::Read));
    CHECK(w.unmap(w.a, 0x10000, Rights::None) == Rights::None);  // nothing below A any more
    CHECK(w.flush(w.a, 0x10000, Rights::None) == Rights::Read);  // a flush reports A's own
    test::check_invariants(w);
}

TEST_CASE("mdb: a 4 MiB mapping with 4 KiB children, and unmapping part of it", "[mdb]") {
    World w;
    REQUIRE(w.mdb.try_add_root(&w.sigma0, 0x400000, 0xC00000, kSuper, Rights::Full) == MdbError::Ok);
    REQUIRE(w.map(w.sigma0, 0x400000, w.a, 0x800000, Rights::Full, kSuper) == MdbError::Ok);
    REQUIRE(w.map(w.a, 0x800000, w.b, 0x1000, Rights::ReadWrite) == MdbError::Ok);
    REQUIRE(w.map(w.a, 0x805000, w.b, 0x2000, Rights::ReadWrite) == MdbError::Ok);
    REQUIRE(w.map(w.a, 0x800000, w.c, 0xC00000, Rights::Read, kSuper) == MdbError::Ok);
    CHECK(w.phys_at(w.b, 0x1000) == 0xC00000);
    CHECK(w.phys_at(w.b, 0x2000) == 0xC05000);
    CHECK(w.target.at(w.b, 0x2000)->size == kPage);
    // B's 4 MiB window [0, 4 MiB) holds its two pages: D gets two 4 KiB pieces.
    REQUIRE(w.map(w.b, 0, w.d, 0x400000, Rights::Read, kSuper) == MdbError::Ok);
    CHECK(w.target.at(w.d, 0x401000)->size == kPage);
    CHECK(w.phys_at(w.d, 0x402000) == 0xC05000);
    CHECK_FALSE(w.target.maps(w.d, 0x400000));
    // Grant must move whole mappings.
    CHECK(w.grant(w.a, 0x801000, w.d, 0x9000, Rights::ReadWrite) == MdbError::SplitsMapping);
    test::check_invariants(w);

    SECTION("unmap of one 4 KiB page of A's superpage") {
        w.unmap(w.a, 0x800000, Rights::Full);
        CHECK(w.target.at(w.a, 0x800000)->size == kSuper);
        CHECK_FALSE(w.target.maps(w.b, 0x1000));
        CHECK_FALSE(w.target.maps(w.d, 0x401000));
        CHECK(w.target.maps(w.b, 0x2000));          // outside the window
        CHECK_FALSE(w.target.maps(w.c, 0xC00000));  // overlaps it: mappings are never split
    }
    SECTION("flush of one 4 KiB page: A's whole superpage goes") {
        w.flush(w.a, 0x805000, Rights::Full);
        CHECK(w.target.entries.size() == 1);
    }
    SECTION("unmap of the write right in one page, at sigma0") {
        w.unmap(w.sigma0, 0x403000, Rights::Write);
        CHECK(w.target.rights_at(w.a, 0x800000) == Rights::ReadExecute);
        CHECK(w.target.rights_at(w.b, 0x2000) == Rights::Read);
    }
    test::check_invariants(w);
}

TEST_CASE("mdb: a window over several small mappings maps each, holes stay holes", "[mdb]") {
    World w;
    for (uintptr_t page : {0x10000, 0x11000, 0x13000}) REQUIRE(w.root(page, kPage) == MdbError::Ok);
    REQUIRE(w.map(w.sigma0, 0x10000, w.a, 0x40000, Rights::ReadWrite, 4 * kPage) == MdbError::Ok);
    CHECK(w.phys_at(w.a, 0x40000) == 0x10000);
    CHECK(w.phys_at(w.a, 0x41000) == 0x11000);
    CHECK_FALSE(w.target.maps(w.a, 0x42000));
    CHECK(w.phys_at(w.a, 0x43000) == 0x13000);
    CHECK(w.mdb.node_count() == 6);
    // Granting the window moves all three.
    REQUIRE(w.grant(w.a, 0x40000, w.b, 0x80000, Rights::ReadWrite, 4 * kPage) == MdbError::Ok);
    CHECK(w.target.entries.size() == 6);
    CHECK(w.phys_at(w.b, 0x83000) == 0x13000);
    test::check_invariants(w);
}

TEST_CASE("mdb: nodes are allocated on the home node of the space they describe", "[mdb]") {
    World w;  // sigma0 and A on node 0, B and C on node 1, D on node 2
    REQUIRE(w.root(0x100000, kPage) == MdbError::Ok);
    REQUIRE(w.map(w.sigma0, 0x100000, w.b, 0x1000, Rights::ReadWrite) == MdbError::Ok);
    REQUIRE(w.map(w.b, 0x1000, w.d, 0x1000, Rights::ReadWrite) == MdbError::Ok);
    CHECK(w.allocator.live_on(0) == 1);
    CHECK(w.allocator.live_on(1) == 1);
    CHECK(w.allocator.live_on(2) == 1);
    // A grant to a space on another node moves the node to that node.
    REQUIRE(w.grant(w.d, 0x1000, w.a, 0x5000, Rights::ReadWrite) == MdbError::Ok);
    CHECK(w.allocator.live_on(0) == 2);
    CHECK(w.allocator.live_on(2) == 0);
    test::check_invariants(w);
}

TEST_CASE("mdb: running out of memory changes nothing", "[mdb]") {
    World w;
    for (uintptr_t page : {0x10000, 0x11000, 0x13000, 0x20000}) REQUIRE(w.root(page, kPage) == MdbError::Ok);
    REQUIRE(w.map(w.sigma0, 0x20000, w.a, 0x41000, Rights::ReadWrite) == MdbError::Ok);
    REQUIRE(w.map(w.a, 0x41000, w.b, 0x1000, Rights::ReadWrite) == MdbError::Ok);
    auto before = w.snapshot();
    size_t nodes = w.mdb.node_count();
    // This map needs three nodes and three page-table preparations.
    for (unsigned n = 1; n <= 3; ++n) {
        w.allocator.fail_alloc = n;
        CHECK(w.map(w.sigma0, 0x10000, w.a, 0x40000, Rights::ReadWrite, 4 * kPage) == MdbError::OutOfMemory);
        CHECK(w.snapshot() == before);
        CHECK(w.mdb.node_count() == nodes);
        CHECK(w.allocator.live.size() == nodes);
        w.target.fail_prepare = n;
        CHECK(w.map(w.sigma0, 0x10000, w.a, 0x40000, Rights::ReadWrite, 4 * kPage) == MdbError::OutOfMemory);
        CHECK(w.snapshot() == before);
        CHECK(w.allocator.live.size() == nodes);
        w.allocator.fail_alloc = 1;
        CHECK(w.grant(w.a, 0x41000, w.c, 0x1000, Rights::ReadWrite) == MdbError::OutOfMemory);
        CHECK(w.snapshot() == before);
    }
    w.allocator.fail_alloc = w.target.fail_prepare = 0;
    REQUIRE(w.map(w.sigma0, 0x10000, w.a, 0x40000, Rights::ReadWrite, 4 * kPage) == MdbError::Ok);
    CHECK(w.phys_at(w.a, 0x41000) == 0x11000);  // replaced, with B's page derived from it
    CHECK_FALSE(w.target.maps(w.b, 0x1000));
    test::check_invariants(w);
}

TEST_CASE("mdb: flushing sigma0 frees every node", "[mdb]") {
    World w;
    w.build_figure();
    REQUIRE(w.mdb.try_add_root(&w.sigma0, 0x400000, 0xC00000, kSuper, Rights::Full) == MdbError::Ok);
    REQUIRE(w.map(w.sigma0, 0x400000, w.a, 0x800000, Rights::Full, kSuper) == MdbError::Ok);
    for (uintptr_t off = 0; off < 8 * kPage; off += kPage)
        REQUIRE(w.map(w.a, 0x800000 + off, w.b, 0x100000 + off, Rights::ReadWrite) == MdbError::Ok);
    REQUIRE(w.grant(w.b, 0x100000, w.c, 0x100000, Rights::ReadWrite, 8 * kPage) == MdbError::Ok);
    CHECK(w.mdb.node_count() == 15);
    test::check_invariants(w);
    w.flush(w.sigma0, 0, Rights::Full, 2 * kSuper);
    CHECK(w.target.entries.empty());
    CHECK(w.mdb.node_count() == 0);
    CHECK(w.allocator.live.empty());
}
