// api_thread_id_test.cc: X.2 thread ids (kernel/api/thread_id.h).
#include <catch2/catch.hpp>

#include "api/thread_id.h"

using api::ThreadId;

TEST_CASE("thread id: global ids round-trip number and version", "[api][thread_id]") {
    for (api::Word number : {0u, 1u, 0x100u, 0x2ABCDu, api::kMaxThreadNumber}) {
        for (api::Word version : {1u, 2u, 0x3Fu, 0x41u, 0x1234u, api::kMaxVersion}) {
            auto id = ThreadId::try_global(number, version);
            REQUIRE(id.ok());
            CHECK(id.value().is_global());
            CHECK_FALSE(id.value().is_local());
            CHECK(id.value().number() == number);
            CHECK(id.value().version() == version);
            CHECK(ThreadId::from_raw(id.value().raw()) == id.value());
        }
    }
}

TEST_CASE("thread id: known bit patterns", "[api][thread_id]") {
    // Pingpong's threads: version 2; sigma0-style ids: version 1.
    CHECK(ThreadId::global(0x40, 2).raw() == 0x00100002);
    CHECK(ThreadId::global(1, 1).raw() == 0x00004001);
    CHECK(ThreadId::interrupt(9).raw() == 0x00024001);
    CHECK(ThreadId::from_raw(0xFFFFC001).number() == 0x3FFFF);
    CHECK(ThreadId::from_raw(0xFFFFC001).version() == 1);
}

TEST_CASE("thread id: bad global ids are rejected", "[api][thread_id]") {
    CHECK(ThreadId::try_global(api::kMaxThreadNumber + 1, 1).error() == api::Error::InvalidThread);
    CHECK(ThreadId::try_global(1, api::kMaxVersion + 1).error() == api::Error::InvalidThread);
    // A version with its low six bits zero would make the id read as a local one.
    CHECK_FALSE(ThreadId::try_global(5, 0).ok());
    CHECK_FALSE(ThreadId::try_global(5, 0x40).ok());
    CHECK_FALSE(ThreadId::try_global(5, 0x3FC0).ok());
    CHECK(ThreadId::try_global(5, 0x3FC1).ok());
}

TEST_CASE("thread id: local ids are 64-byte aligned UTCB pointers", "[api][thread_id]") {
    auto id = ThreadId::try_local(0x00800100);
    REQUIRE(id.ok());
    CHECK(id.value().is_local());
    CHECK(id.value().utcb_address() == 0x00800100);
    CHECK(ThreadId::try_local(0x00800104).error() == api::Error::InvalidThread);
    CHECK(ThreadId::try_local(0x0080013F).error() == api::Error::InvalidThread);
}

TEST_CASE("thread id: special ids", "[api][thread_id]") {
    CHECK(ThreadId::nil().raw() == 0);
    CHECK(ThreadId::any().raw() == 0xFFFFFFFF);
    CHECK(ThreadId::any_local().raw() == 0xFFFFFFC0);
    CHECK(ThreadId::nil().is_nil());
    CHECK(ThreadId::any().is_any());
    CHECK(ThreadId::any_local().is_any_local());
    CHECK(ThreadId::any().is_global());
    CHECK(ThreadId::nil().is_local());
    CHECK(ThreadId::any_local().is_local());
    CHECK_FALSE(ThreadId::global(1, 1).is_nil());
    CHECK(ThreadId::global(1, 1) != ThreadId::global(1, 2));
    CHECK(ThreadId() == ThreadId::nil());
}
