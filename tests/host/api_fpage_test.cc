// api_fpage_test.cc: memory and IO fpages, and access rights (kernel/api/fpage.h, rights.h).
#include <catch2/catch.hpp>

#include "api/fpage.h"

using api::Fpage;
using api::IoFpage;
using api::Rights;

TEST_CASE("rights: combine, remove, test", "[api][fpage]") {
    CHECK((Rights::Read | Rights::Write | Rights::Execute) == Rights::Full);
    CHECK((Rights::Full & Rights::ReadExecute) == Rights::ReadExecute);
    CHECK(api::without(Rights::ReadWrite, Rights::Read) == Rights::Write);
    CHECK(api::has_all(Rights::Full, Rights::ReadWrite));
    CHECK_FALSE(api::has_all(Rights::Read, Rights::ReadWrite));
    CHECK(api::rights_bits(Rights::Read) == 4);
    CHECK(api::rights_from_bits(0xFF) == Rights::Full);
}

TEST_CASE("fpage: memory fpages round-trip base, size and rights", "[api][fpage]") {
    for (unsigned s = api::kMinMemoryFpageLog2; s <= api::kMaxMemoryFpageLog2; ++s) {
        for (api::Word base : {0x0u, 0x80000000u, 0xFFFFF000u, 0x00C00000u}) {
            api::Word aligned = s >= 32 ? 0 : base & ~((api::Word{1} << s) - 1);
            for (Rights r : {Rights::None, Rights::Read, Rights::ReadWrite, Rights::Full}) {
                Fpage f = Fpage::memory(aligned, s, r);
                CHECK(Fpage::from_raw(f.raw()) == f);
                CHECK(f.log2_size() == s);
                CHECK(f.size() == (uint64_t{1} << s));
                CHECK(f.address() == aligned);
                CHECK(f.end() == aligned + (uint64_t{1} << s));
                CHECK(f.rights() == r);
                CHECK(f.is_base_aligned());
                CHECK(f.is_valid_memory());
                CHECK_FALSE(f.is_io());
                CHECK_FALSE(f.reserved_bit());
            }
        }
    }
}

TEST_CASE("fpage: known bit patterns", "[api][fpage]") {
    // L4_CompleteAddressSpace and L4_Nilpage.
    CHECK(Fpage::complete().raw() == 0x00000010);
    CHECK(Fpage::nil().raw() == 0);
    // The pingpong KIP area: one page at 0xC00000, no rights.
    CHECK(Fpage::memory(0x00C00000, 12, Rights::None).raw() == 0x00C000C0);
    // 4 MiB at 4 MiB, rwx.
    CHECK(Fpage::memory(0x00400000, 22, Rights::Full).raw() == 0x00400167);
    // Sigma0's "any 4 KiB page": L4_FpageLog2(~0UL, 12) keeps base ~0, and with it bit 3.
    Fpage any = Fpage::from_raw(0xFFFFFCC8);
    CHECK(any.log2_size() == 12);
    CHECK(any.rights() == Rights::None);
    CHECK(any.reserved_bit());
    CHECK(any.base() == 0xFFFFFC00);
    CHECK(any.address() == 0xFFFFF000);
    CHECK_FALSE(any.is_base_aligned());
    CHECK(any.is_valid_memory());
}

TEST_CASE("fpage: nil, complete and invalid sizes", "[api][fpage]") {
    CHECK(Fpage::nil().is_nil());
    CHECK_FALSE(Fpage::nil().is_valid_memory());
    CHECK(api::try_memory_fpage(Fpage::nil()).error() == api::Error::InvalidParam);

    Fpage all = Fpage::complete(Rights::Full);
    CHECK(all.is_complete());
    CHECK(all.is_valid_memory());
    CHECK(all.address() == 0);
    CHECK(all.size() == (uint64_t{1} << 32));
    CHECK(all.rights() == Rights::Full);
    // s = 1 with a base is not the complete address space.
    CHECK_FALSE(Fpage::memory(0x1000, 1, Rights::None).is_complete());
    CHECK_FALSE(Fpage::memory(0x1000, 1, Rights::None).is_valid_memory());

    for (unsigned s : {0u, 3u, 10u, 11u, 33u, 63u})
        CHECK_FALSE(Fpage::memory(0, s, Rights::Read).is_valid_memory());
    CHECK(api::try_memory_fpage(Fpage::memory(0x2000, 12, Rights::Read)).value().address() == 0x2000);
}

TEST_CASE("fpage: an unaligned base rounds down, as in Pistachio", "[api][fpage]") {
    Fpage f = Fpage::memory(0x00123400, 16, Rights::Read);
    CHECK(f.base() == 0x00123400);
    CHECK(f.address() == 0x00120000);
    CHECK_FALSE(f.is_base_aligned());
    CHECK(f.with_rights(Rights::Write).rights() == Rights::Write);
    CHECK(f.with_rights(Rights::Write).base() == f.base());
}

TEST_CASE("fpage: contains and overlaps", "[api][fpage]") {
    Fpage big = Fpage::memory(0x00400000, 22, Rights::Full);  // [4 MiB, 8 MiB)
    Fpage page = Fpage::memory(0x00401000, 12, Rights::Read);
    Fpage other = Fpage::memory(0x00800000, 12, Rights::Read);
    CHECK(big.contains(0x00400000));
    CHECK(big.contains(0x007FFFFF));
    CHECK_FALSE(big.contains(0x00800000));
    CHECK_FALSE(big.contains(0x003FFFFF));
    CHECK(big.contains(page));
    CHECK_FALSE(page.contains(big));
    CHECK_FALSE(big.contains(other));
    CHECK(big.overlaps(page));
    CHECK(page.overlaps(big));
    CHECK_FALSE(big.overlaps(other));
    CHECK(Fpage::complete().contains(0xFFFFFFFF));
    CHECK(Fpage::complete().contains(big));
    CHECK(Fpage::complete().overlaps(other));
    Fpage top = Fpage::memory(0xFFFFF000, 12, Rights::Read);
    CHECK(top.contains(0xFFFFFFFF));
    CHECK(top.end() == (uint64_t{1} << 32));
}

TEST_CASE("fpage: IO fpages", "[api][fpage]") {
    IoFpage com1 = IoFpage::make(0x3F8, 3);
    CHECK(com1.raw() == 0x03F80C20);
    CHECK(com1.fpage().is_io());
    CHECK_FALSE(com1.fpage().is_valid_memory());
    CHECK(com1.port() == 0x3F8);
    CHECK(com1.size() == 8);
    CHECK(com1.first_port() == 0x3F8);
    CHECK(com1.end() == 0x400);
    CHECK(com1.is_port_aligned());
    CHECK(com1.contains(0x3FD));
    CHECK_FALSE(com1.contains(0x400));
    CHECK(com1.overlaps(IoFpage::make(0x3FC, 2)));
    CHECK_FALSE(com1.overlaps(IoFpage::make(0x2F8, 3)));

    IoFpage all = IoFpage::complete();
    CHECK(all.raw() == 0x00004020);
    CHECK(all.is_complete());
    CHECK(all.end() == 0x10000);
    CHECK(all.contains(0xFFFF));

    // Round trip through a plain fpage word.
    auto back = IoFpage::try_from(Fpage::from_raw(com1.raw()));
    REQUIRE(back.ok());
    CHECK(back.value() == com1);
    // The rights bits of an IO fpage are ignored.
    CHECK(IoFpage::try_from(Fpage::from_raw(com1.raw() | 0xF)).value().port() == 0x3F8);
    // An unaligned port rounds down.
    IoFpage odd = IoFpage::make(0x3F9, 3);
    CHECK_FALSE(odd.is_port_aligned());
    CHECK(odd.first_port() == 0x3F8);
}

TEST_CASE("fpage: bad IO fpages are rejected", "[api][fpage]") {
    CHECK(IoFpage::try_from(Fpage::memory(0x3000, 12, Rights::Read)).error() == api::Error::InvalidParam);
    CHECK_FALSE(IoFpage::try_from(Fpage::nil()).ok());
    CHECK_FALSE(IoFpage::try_from(IoFpage::make(0, 17).fpage()).ok());
    CHECK(IoFpage::try_from(IoFpage::make(0, 16).fpage()).ok());
}
