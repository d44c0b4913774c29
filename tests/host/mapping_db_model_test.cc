// mapping_db_model_test.cc: the mapping database (kernel/mm/mapping_db.h) on
// trees too deep for recursion, and against a reference model
// (mapping_db_model.h): random operations run on both, and after each one
// the fake page tables must hold exactly the model's mappings, with the same
// parents, rights and access status.
#include <catch2/catch.hpp>

#include <memory>
#include <pthread.h>
#include <random>
#include <vector>

#include "mapping_db_model.h"

namespace {

using mm::MappingSpace;
using mm::MdbError;
using mm::Rights;
using test::MdbFixture;
using test::Model;

constexpr size_t kPage = 4096;
constexpr size_t kSuper = 4 * 1024 * 1024;

/// Runs fn() on a thread with a 64 KiB stack: four kernel stacks, room for
/// the sanitizers, far too little for one frame per level of a deep tree.
template <typename Function>
void on_small_stack(Function fn) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    pthread_t thread;
    auto run = [](void* arg) -> void* {
        (*static_cast<Function*>(arg))();
        return nullptr;
    };
    REQUIRE(pthread_create(&thread, &attr, run, &fn) == 0);
    pthread_join(thread, nullptr);
    pthread_attr_destroy(&attr);
}

struct Chain : MdbFixture {
    static constexpr unsigned kDepth = 5000;
    std::vector<std::unique_ptr<MappingSpace>> spaces;

    /// spaces[0] (sigma0) -> spaces[1] -> ... -> spaces[kDepth], all at 0x1000.
    Chain() {
        for (unsigned i = 0; i <= kDepth; ++i) spaces.push_back(std::make_unique<MappingSpace>(i % 3));
        REQUIRE(mdb.try_add_root(spaces[0].get(), 0x1000, 0x1000, kPage, Rights::Full) == MdbError::Ok);
        for (unsigned i = 1; i <= kDepth; ++i)
            REQUIRE(mdb.try_map(spaces[i - 1].get(), 0x1000, spaces[i].get(), 0x1000, kPage, Rights::ReadWrite) ==
                    MdbError::Ok);
        REQUIRE(mdb.node_count() == kDepth + 1);
    }
    MappingSpace& space(unsigned i) { return *spaces[i]; }
};

}  // namespace

TEST_CASE("mdb: a 5000-level chain is unmapped without deep recursion", "[mdb]") {
    Chain chain;
    REQUIRE(chain.target.touch(chain.space(Chain::kDepth), 0x1000, Rights::Write));
    MdbError error = MdbError::Ok;
    Rights status = Rights::None;

    on_small_stack([&] { error = chain.mdb.unmap(&chain.space(0), 0x1000, kPage, Rights::Write, status); });
    CHECK(error == MdbError::Ok);
    CHECK(status == Rights::Write);
    CHECK(chain.target.rights_at(chain.space(Chain::kDepth), 0x1000) == Rights::Read);

    on_small_stack(
        [&] { error = chain.mdb.try_grant(&chain.space(2500), 0x1000, &chain.space(1), 0x8000, kPage, Rights::Read); });
    CHECK(error == MdbError::Ok);
    CHECK(chain.target.lookup(&chain.space(2501), 0x1000)->parent() == chain.target.lookup(&chain.space(1), 0x8000));

    on_small_stack([&] { error = chain.mdb.unmap(&chain.space(1), 0x1000, kPage, Rights::Full, status); });
    CHECK(error == MdbError::Ok);
    CHECK(chain.mdb.node_count() == 2);
    test::check_invariants(chain);

    on_small_stack([&] { error = chain.mdb.flush(&chain.space(0), 0x1000, kPage, Rights::Full, status); });
    CHECK(chain.mdb.node_count() == 0);
    CHECK(chain.allocator.live.empty());
}

TEST_CASE("mdb: random operations agree with a reference model", "[mdb]") {
    auto seed = GENERATE(1u, 2u, 3u);
    std::mt19937 random(seed);
    MdbFixture f;
    Model model;
    MappingSpace sigma0{0}, a{0}, b{1}, c{1}, d{2};
    MappingSpace* spaces[] = {&sigma0, &a, &b, &c, &d};

    // sigma0 owns a 4 MiB superpage at 4 MiB and sixteen 4 KiB pages at 8 MiB
    // (virtual = physical). Windows fall on the first 64 KiB of either
    // region, or are 4 MiB, so operations keep running into each other.
    constexpr uint64_t kRegions[] = {0x400000, 0x800000};
    auto add_root = [&](uint64_t vaddr, size_t size) {
        if (model.phys_in_use(vaddr, size)) return;
        CHECK(f.mdb.try_add_root(&sigma0, vaddr, vaddr, size, Rights::Full) ==
              model.add_root(&sigma0, vaddr, size, Rights::Full));
    };
    add_root(kRegions[0], kSuper);
    for (uint64_t page = 0; page < 16; ++page) add_root(kRegions[1] + page * kPage, kPage);

    auto pick_space = [&] { return random() % 3 == 0 ? &sigma0 : spaces[1 + random() % 4]; };
    auto pick_rights = [&] { return Rights(random() % 8); };
    auto pick_size = [&]() -> size_t {
        static constexpr size_t kSizes[] = {kPage, kPage, kPage, 2 * kPage, 4 * kPage, 16 * kPage, kSuper};
        return kSizes[random() % 7];
    };
    auto pick_addr = [&](size_t size) -> uint64_t {
        uint64_t region = kRegions[random() % 2];
        if (random() % 50 == 0) return region + 0x800;  // not an fpage
        return size == kSuper ? region : region + (random() % (0x10000 / size)) * size;
    };

    for (int step = 0; step < 2000; ++step) {
        INFO("seed " << seed << ", step " << step);
        unsigned op = random() % 100;
        if (op >= 95) {  // a map or grant that runs out of memory at some point
            (random() % 2 ? f.allocator.fail_alloc : f.target.fail_prepare) = 1 + random() % 3;
            model.fail_alloc = f.allocator.fail_alloc;
            model.fail_prepare = f.target.fail_prepare;
            op = random() % 45;
        }
        if (op < 45) {
            bool grant = op >= 35;
            MappingSpace* from = pick_space();
            MappingSpace* to = pick_space();
            size_t size = pick_size();
            uint64_t from_addr = pick_addr(size), to_addr = pick_addr(size);
            Rights rights = pick_rights();
            MdbError expected = model.transfer(grant, from, from_addr, to, to_addr, size, rights);
            MdbError got = grant ? f.mdb.try_grant(from, from_addr, to, to_addr, size, rights)
                                 : f.mdb.try_map(from, from_addr, to, to_addr, size, rights);
            REQUIRE(got == expected);
        } else if (op < 68) {
            bool flush = op >= 60;
            MappingSpace* space = pick_space();
            size_t size = pick_size();
            uint64_t addr = pick_addr(size);
            Rights rights = pick_rights();
            Rights status = Rights::None;
            MdbError got =
                flush ? f.mdb.flush(space, addr, size, rights, status) : f.mdb.unmap(space, addr, size, rights, status);
            if (!test::valid_window(addr, size)) {
                REQUIRE(got == MdbError::InvalidArgument);
            } else {
                REQUIRE(got == MdbError::Ok);
                REQUIRE(status == model.revoke_window(flush, space, addr, addr + size, rights));
            }
        } else if (op < 90) {
            MappingSpace* space = pick_space();
            uint64_t vaddr = kRegions[random() % 2] + (random() % 16) * kPage;
            Rights access = pick_rights();
            REQUIRE(f.target.touch(*space, vaddr, access) == model.touch(space, vaddr, access));
        } else {
            unsigned root = random() % 17;
            root == 16 ? add_root(kRegions[0], kSuper) : add_root(kRegions[1] + root * kPage, kPage);
        }
        f.allocator.fail_alloc = f.target.fail_prepare = 0;
        model.fail_alloc = model.fail_prepare = 0;

        REQUIRE(test::mappings_of(f.target) == test::mappings_of(model));
        REQUIRE(f.mdb.node_count() == model.live());
        if (step % 50 == 0) test::check_invariants(f);
    }
    test::check_invariants(f);
    Rights status;
    for (uint64_t region : kRegions)
        REQUIRE(f.mdb.flush(&sigma0, region, kSuper, Rights::Full, status) == MdbError::Ok);
    for (MappingSpace* space : spaces)
        for (uint64_t region : kRegions)
            REQUIRE(f.mdb.flush(space, region, kSuper, Rights::Full, status) == MdbError::Ok);
    CHECK(f.target.entries.empty());
    CHECK(f.allocator.live.empty());
}
