// elf_programs_test.cc: the ELF32 loader (kernel/lib/elf.h) on the user programs the
// build makes, sigma0 and l4test (tests/host/host.mk passes their paths as
// PROXIMA_SIGMA0_ELF and PROXIMA_L4TEST_ELF), and on corrupted copies of them: the kernel
// loads these as modules 0 and 1, and the base OS loads programs with the same code.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

#include "elf_bytes.h"
#include "lib/elf.h"

#if !defined(PROXIMA_SIGMA0_ELF) || !defined(PROXIMA_L4TEST_ELF)
#error "PROXIMA_SIGMA0_ELF and PROXIMA_L4TEST_ELF come from tests/host/host.mk"
#endif

using namespace elf_test;

// The user programs the build makes, as the kernel loads them (modules 0 and 1) and as
// user-level loaders will load others: link addresses from mk/userland.mk.

namespace {

struct Program {
    const char* path;
    uint32_t link_base;
};
const Program kPrograms[] = {{PROXIMA_SIGMA0_ELF, 0xB0000000}, {PROXIMA_L4TEST_ELF, 0x00400000}};
constexpr uint32_t kInitialUtcbArea = 0xBFE00000;  // docs/user-boot.md: UTCBs, then the KIP

/// Checks, without a map, that every segment's file bytes lie in the image (and reads
/// them, so AddressSanitizer sees any that do not).
struct BoundsSink final : elf::SegmentSink {
    bool try_place(const elf::ElfSegment& s, const uint8_t* file_bytes) override {
        REQUIRE(file_bytes >= begin);
        REQUIRE(uint64_t(file_bytes - begin) + s.file_size <= size);
        for (uint32_t i = 0; i < s.file_size; i++) checksum += file_bytes[i];
        placed++;
        return true;
    }
    const uint8_t* begin = nullptr;
    size_t size = 0;
    size_t placed = 0;
    uint32_t checksum = 0;
};

bool loads_in_bounds(const Bytes& b, const elf::ElfImage& image) {
    BoundsSink sink;
    sink.begin = b.data();
    sink.size = b.size();
    return elf::try_load(image, b.data(), b.size(), sink).ok() && sink.placed == image.segment_count;
}

}  // namespace

TEST_CASE("elf: sigma0 and l4test parse with their entry points and segments in user space", "[elf]") {
    for (const Program& program : kPrograms) {
        INFO(program.path);
        const Bytes b = read_file(program.path);
        REQUIRE(b.size() > 52);
        auto r = elf::try_parse(b.data(), b.size(), kUserLimit);
        REQUIRE(r.ok());
        const elf::ElfImage& image = r.value();
        CHECK(image.entry == program.link_base);  // crt0's _start opens .text (user.ld)
        CHECK(image.lowest_vaddr == program.link_base);
        CHECK(image.highest_vaddr <= kInitialUtcbArea);
        REQUIRE(image.segment_count == 3);  // text, rodata, data+bss (user.ld's PHDRS)
        const uint32_t expected_flags[3] = {elf::kFlagRead | elf::kFlagExecute, elf::kFlagRead,
                                            elf::kFlagRead | elf::kFlagWrite};
        for (size_t i = 0; i < image.segment_count; i++) {
            const elf::ElfSegment& s = image.segments[i];
            CHECK(s.flags == expected_flags[i]);
            CHECK(s.vaddr % 4096 == 0);  // each segment starts on its own page
            CHECK(s.file_size <= s.mem_size);
            CHECK(s.vaddr >= program.link_base);
            if (i > 0) CHECK(s.vaddr >= image.segments[i - 1].vaddr_end());
        }
        CHECK(loads_in_bounds(b, image));
    }
    // l4test's heap range (l4/heap.h) starts above its image: the image is below 512 MiB.
    const Bytes l4test = read_file(PROXIMA_L4TEST_ELF);
    auto r = elf::try_parse(l4test.data(), l4test.size(), kUserLimit);
    REQUIRE(r.ok());
    CHECK(r.value().highest_vaddr < 0x20000000);
}

TEST_CASE("elf: corrupted copies of sigma0 and l4test are refused", "[elf]") {
    for (const Program& program : kPrograms) {
        INFO(program.path);
        Bytes b = read_file(program.path);
        REQUIRE(b.size() > 52);
        const size_t text = text_header(b);
        const size_t data = data_header(b);
        SECTION("truncated") {
            for (size_t cut : {size_t{0}, size_t{40}, ph(b, 1), ph(b, phnum(b)) - 1}) {
                const Bytes short_copy(b.begin(), b.begin() + static_cast<ptrdiff_t>(cut));
                CHECK(parse_error(short_copy) == ElfError::Truncated);
            }
            const Bytes cut_data(b.begin(), b.begin() + get32(b, data + kPhOffset) + get32(b, data + kPhFilesz) - 1);
            CHECK(parse_error(cut_data) == ElfError::SegmentOutOfImage);
        }
        SECTION("bad magic") {
            b[0] = 0x7e;
            CHECK(parse_error(b) == ElfError::BadMagic);
        }
        SECTION("a segment past the end of the file") {
            put32(b, text + kPhFilesz, static_cast<uint32_t>(b.size()));
            put32(b, text + kPhMemsz, static_cast<uint32_t>(b.size()));
            CHECK(parse_error(b) == ElfError::SegmentOutOfImage);
        }
        SECTION("overlapping segments") {
            put32(b, data + kPhVaddr, get32(b, text + kPhVaddr) + (get32(b, data + kPhOffset) & 0xfff));
            CHECK(parse_error(b) == ElfError::OverlappingSegments);
        }
        SECTION("a huge segment") {
            put32(b, data + kPhMemsz, 0xF0000000);
            const ElfError error = parse_error(b);
            CHECK((error == ElfError::AboveUserLimit || error == ElfError::AddressWraps));
        }
        SECTION("a segment above the user limit") {
            put32(b, data + kPhVaddr, kUserLimit + (get32(b, data + kPhOffset) & 0xfff));
            CHECK(parse_error(b) == ElfError::AboveUserLimit);
        }
        SECTION("the entry point outside the code") {
            put32(b, 24, get32(b, data + kPhVaddr));
            CHECK(parse_error(b) == ElfError::BadEntry);
        }
    }
}

TEST_CASE("elf: random byte flips of sigma0 and l4test never crash the loader", "[elf]") {
    std::mt19937 rng(20241127);
    for (const Program& program : kPrograms) {
        INFO(program.path);
        const Bytes original = read_file(program.path);
        REQUIRE(original.size() > 52);
        const size_t headers_end = ph(original, phnum(original));
        size_t accepted = 0;
        for (int round = 0; round < 500; round++) {
            const Bytes b = flipped_copy(original, headers_end, rng);
            auto r = elf::try_parse(b.data(), b.size(), kUserLimit);
            if (!r.ok()) continue;
            accepted++;
            const elf::ElfImage& image = r.value();
            REQUIRE(image.segment_count <= elf::ElfImage::kMaxSegments);
            for (size_t i = 0; i < image.segment_count; i++) {
                const elf::ElfSegment& s = image.segments[i];
                REQUIRE(uint64_t{s.file_offset} + s.file_size <= b.size());
                REQUIRE(s.vaddr_end() <= kUserLimit);
                REQUIRE(s.file_size <= s.mem_size);
            }
            REQUIRE(loads_in_bounds(b, image));
        }
        CHECK(accepted > 0);
    }
}
