// node_pool_test.cc: one pool's free list (kernel/mm/node_pool.h), on host memory.
//
// The pool manages a buffer of host memory as if it were a node's pool, so
// AddressSanitizer watches every header the free list writes. Which
// node_pool.cc is compiled follows SOL= (the student's or solutions/lab1/).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "mm/node_pool.h"

namespace {

constexpr size_t kPoolSize = 256 * 1024;

struct HostPool {
    HostPool() : memory(static_cast<unsigned char*>(std::aligned_alloc(4096, kPoolSize))) {
        pool.init(3, 0x40000000, reinterpret_cast<uintptr_t>(memory), kPoolSize);
    }
    ~HostPool() { std::free(memory); }
    unsigned char* memory;
    mm::NodePool pool;
};

}  // namespace

TEST_CASE("node pool: a new pool is one free block", "[node_pool]") {
    HostPool h;
    CHECK(h.pool.node() == 3);
    CHECK(h.pool.free_bytes() == kPoolSize);
    CHECK(h.pool.free_blocks() == 1);
    CHECK(h.pool.contains_virt(reinterpret_cast<uintptr_t>(h.memory) + kPoolSize - 1));
    CHECK_FALSE(h.pool.contains_virt(reinterpret_cast<uintptr_t>(h.memory) + kPoolSize));
    CHECK(h.pool.contains_phys(0x40000000));
    CHECK_FALSE(h.pool.contains_phys(0x3fffffff));
}

TEST_CASE("node pool: sizes round up to 1 KiB, pages align to pages", "[node_pool]") {
    HostPool h;
    void* a = h.pool.try_alloc(1);
    CHECK(h.pool.free_bytes() == kPoolSize - 1024);
    void* b = h.pool.try_alloc(4096);
    void* c = h.pool.try_alloc(1500);
    REQUIRE(a != nullptr);
    REQUIRE(b != nullptr);
    REQUIRE(c != nullptr);
    CHECK(reinterpret_cast<uintptr_t>(a) % 1024 == 0);
    CHECK(reinterpret_cast<uintptr_t>(b) % 4096 == 0);
    CHECK(reinterpret_cast<uintptr_t>(c) % 1024 == 0);
    CHECK(h.pool.free_bytes() == kPoolSize - 1024 - 4096 - 2048);
    h.pool.free(b, 4096);
    h.pool.free(a, 1);
    h.pool.free(c, 1500);
    CHECK(h.pool.free_bytes() == kPoolSize);
    CHECK(h.pool.free_blocks() == 1);
}

TEST_CASE("node pool: exhaustion returns null and freeing recovers everything", "[node_pool]") {
    HostPool h;
    CHECK(h.pool.try_alloc(0) == nullptr);
    CHECK(h.pool.try_alloc(kPoolSize + 1) == nullptr);
    std::vector<void*> blocks;
    while (void* b = h.pool.try_alloc(3072)) {
        std::memset(b, 0xab, 3072);
        blocks.push_back(b);
    }
    CHECK(blocks.size() == kPoolSize / 3072);
    CHECK(h.pool.try_alloc(kPoolSize - blocks.size() * 3072 + 1024) == nullptr);
    for (size_t i = 0; i < blocks.size(); i += 2) h.pool.free(blocks[i], 3072);
    for (size_t i = 1; i < blocks.size(); i += 2) h.pool.free(blocks[i], 3072);
    CHECK(h.pool.free_bytes() == kPoolSize);
    CHECK(h.pool.free_blocks() == 1);
    CHECK(h.pool.try_alloc(kPoolSize) == static_cast<void*>(h.memory));
}

TEST_CASE("node pool: random allocation and freeing never overlaps", "[node_pool]") {
    HostPool h;
    std::mt19937 random(42);
    struct Block {
        unsigned char* p;
        size_t size;
        unsigned char tag;
    };
    std::vector<Block> live;
    for (int step = 0; step < 4000; ++step) {
        if (live.empty() || random() % 3 != 0) {
            size_t size = 1 + random() % 9000;
            auto* p = static_cast<unsigned char*>(h.pool.try_alloc(size));
            if (p == nullptr) continue;
            if (size >= 4096) CHECK(reinterpret_cast<uintptr_t>(p) % 4096 == 0);
            unsigned char tag = static_cast<unsigned char>(step);
            std::memset(p, tag, size);
            live.push_back({p, size, tag});
        } else {
            size_t i = random() % live.size();
            for (size_t k = 0; k < live[i].size; ++k)
                if (live[i].p[k] != live[i].tag) FAIL("block overwritten at byte " << k);
            h.pool.free(live[i].p, live[i].size);
            live.erase(live.begin() + long(i));
        }
    }
    for (auto& b : live) h.pool.free(b.p, b.size);
    CHECK(h.pool.free_bytes() == kPoolSize);
    CHECK(h.pool.free_blocks() == 1);
}

TEST_CASE("node pool: threads allocating at once lose nothing", "[node_pool]") {
    HostPool h;
    std::vector<std::thread> threads;
    std::vector<int> errors(4, 0);
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int round = 0; round < 300; ++round) {
                void* b = h.pool.try_alloc(1024 * (1 + (round + t) % 5));
                if (b == nullptr) continue;
                std::memset(b, t, 1024);
                for (int k = 0; k < 1024; ++k)
                    if (static_cast<unsigned char*>(b)[k] != t) ++errors[size_t(t)];
                h.pool.free(b, 1024 * (1 + (round + t) % 5));
            }
        });
    for (auto& thread : threads) thread.join();
    CHECK(errors == std::vector<int>(4, 0));
    CHECK(h.pool.free_bytes() == kPoolSize);
    CHECK(h.pool.free_blocks() == 1);
}
