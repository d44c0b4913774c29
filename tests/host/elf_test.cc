// elf_test.cc: the ELF32 loader (kernel/lib/elf.h) on real i386 executables and on
// corrupted copies of them.
//
// tests/host/host.mk links tests/host/fixtures/elf_tiny.c with clang and ld.lld and passes
// its path as PROXIMA_ELF_FIXTURE (the programs the build makes are tested in
// elf_programs_test.cc). Every image handed to the loader is a std::vector of exactly the
// image's size, so AddressSanitizer reports any read past its end.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <vector>

#include "elf_bytes.h"
#include "lib/elf.h"

#if !defined(PROXIMA_ELF_FIXTURE)
#error "PROXIMA_ELF_FIXTURE comes from tests/host/host.mk"
#endif

namespace {

using namespace elf_test;

constexpr uint32_t kTextBase = 0x100000;  // -Ttext in host.mk, where _start lands

const Bytes& fixture() {
    static const Bytes bytes = read_file(PROXIMA_ELF_FIXTURE);
    REQUIRE(bytes.size() > 52);
    return bytes;
}


/// A sparse address space: one byte per map entry, and the flags each byte was placed with.
struct MapSink final : elf::SegmentSink {
    bool try_place(const elf::ElfSegment& s, const uint8_t* file_bytes) override {
        if (fail_after == 0) return false;
        fail_after--;
        for (uint32_t i = 0; i < s.mem_size; i++) {
            rewritten += memory.count(s.vaddr + i);
            memory[s.vaddr + i] = i < s.file_size ? file_bytes[i] : 0;
            flags[s.vaddr + i] = s.flags;
        }
        return true;
    }
    uint32_t word(uint32_t vaddr) const {
        uint32_t v = 0;
        for (uint32_t i = 0; i < 4; i++) v |= uint32_t{memory.at(vaddr + i)} << (8 * i);
        return v;
    }
    /// The lowest address whose four bytes are `value`, or 0.
    uint32_t find_word(uint32_t value) const {
        for (const auto& [vaddr, byte] : memory)
            if (memory.count(vaddr + 1) && memory.count(vaddr + 2) && memory.count(vaddr + 3) && word(vaddr) == value)
                return vaddr;
        return 0;
    }
    std::map<uint32_t, uint8_t> memory;
    std::map<uint32_t, uint32_t> flags;
    size_t rewritten = 0;  // bytes placed twice: overlapping segments got through
    int fail_after = 1000;
};

/// A hand-made header with `count` PT_LOAD segments of 16 bytes of memory each, no file bytes.
Bytes synthetic(size_t count) {
    Bytes b(52 + 32 * count, 0);
    const uint8_t ident[] = {0x7f, 'E', 'L', 'F', 1, 1, 1};
    std::memcpy(b.data(), ident, sizeof ident);
    put16(b, 16, 2);
    put16(b, 18, 3);
    put32(b, 20, 1);
    put32(b, 24, kTextBase);
    put32(b, 28, 52);
    put16(b, 40, 52);
    put16(b, 42, 32);
    put16(b, 44, static_cast<uint16_t>(count));
    for (size_t i = 0; i < count; i++) {
        put32(b, ph(b, i) + kPhType, 1);
        put32(b, ph(b, i) + kPhVaddr, kTextBase + 0x1000 * static_cast<uint32_t>(i));
        put32(b, ph(b, i) + kPhMemsz, 16);
        put32(b, ph(b, i) + kPhFlags, elf::kFlagRead | elf::kFlagExecute);
    }
    return b;
}

}  // namespace

TEST_CASE("elf: the real fixture parses into its PT_LOAD segments", "[elf]") {
    const Bytes& b = fixture();
    auto r = elf::try_parse(b.data(), b.size(), kUserLimit);
    REQUIRE(r.ok());
    const elf::ElfImage& image = r.value();
    CHECK(image.entry == kTextBase);

    size_t loads = 0;
    for (size_t i = 0; i < phnum(b); i++) loads += get32(b, ph(b, i) + kPhType) == 1;
    REQUIRE(image.segment_count == loads);
    CHECK(loads >= 3);

    uint32_t lowest = UINT32_MAX, highest = 0;
    size_t executable = 0;
    for (size_t i = 0; i < image.segment_count; i++) {
        const elf::ElfSegment& s = image.segments[i];
        CHECK(s.file_size <= s.mem_size);
        lowest = std::min(lowest, s.vaddr);
        highest = std::max(highest, s.vaddr_end());
        if (s.flags & elf::kFlagExecute) {
            executable++;
            CHECK(s.vaddr == kTextBase);
            CHECK_FALSE(s.flags & elf::kFlagWrite);
        }
    }
    CHECK(executable == 1);
    CHECK(image.lowest_vaddr == lowest);
    CHECK(image.highest_vaddr == highest);

    const size_t data = data_header(b);
    CHECK(get32(b, data + kPhMemsz) >= get32(b, data + kPhFilesz) + 4096);  // .bss: scratch[1024]
}

TEST_CASE("elf: loading the fixture places its code, data and zeroed bss", "[elf]") {
    const Bytes& b = fixture();
    auto r = elf::try_parse(b.data(), b.size(), kUserLimit);
    REQUIRE(r.ok());
    MapSink sink;
    REQUIRE(elf::try_load(r.value(), b.data(), b.size(), sink).ok());

    size_t total = 0;
    for (size_t i = 0; i < r.value().segment_count; i++) total += r.value().segments[i].mem_size;
    CHECK(sink.memory.size() == total);
    CHECK(sink.rewritten == 0);

    // The code at the entry point is the file's bytes at the text segment's offset.
    const size_t text = text_header(b);
    CHECK(sink.memory.at(kTextBase) == b.at(get32(b, text + kPhOffset)));
    CHECK(sink.flags.at(kTextBase) == (elf::kFlagRead | elf::kFlagExecute));

    // table[] is read-only data; counter is read-write data followed by the zeroed .bss.
    const uint32_t table = sink.find_word(0x11223344);
    REQUIRE(table != 0);
    CHECK(sink.word(table + 4) == 2);
    CHECK(sink.word(table + 24) == 13);
    CHECK(sink.flags.at(table) == elf::kFlagRead);

    const uint32_t counter = sink.find_word(0xc0ffee42);
    REQUIRE(counter != 0);
    CHECK(sink.flags.at(counter) == (elf::kFlagRead | elf::kFlagWrite));
    const size_t data = data_header(b);
    const uint32_t data_vaddr = get32(b, data + kPhVaddr);
    for (uint32_t a = data_vaddr + get32(b, data + kPhFilesz); a < data_vaddr + get32(b, data + kPhMemsz); a++)
        REQUIRE(sink.memory.at(a) == 0);
}

TEST_CASE("elf: try_load reports a failing sink and data that does not match the image", "[elf]") {
    const Bytes& b = fixture();
    auto r = elf::try_parse(b.data(), b.size(), kUserLimit);
    REQUIRE(r.ok());
    MapSink sink;
    sink.fail_after = 1;
    auto loaded = elf::try_load(r.value(), b.data(), b.size(), sink);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error() == ElfError::SinkFailed);

    const Bytes shorter(b.begin(), b.begin() + 64);
    MapSink other;
    loaded = elf::try_load(r.value(), shorter.data(), shorter.size(), other);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error() == ElfError::SegmentOutOfImage);
}

TEST_CASE("elf: a wrong ELF header field gives its own error", "[elf]") {
    Bytes b = fixture();
    SECTION("magic") {
        b[1] = 'e';
        CHECK(parse_error(b) == ElfError::BadMagic);
    }
    SECTION("a short text file is not an ELF file") {
        const Bytes text = {'#', '!', '/', 'b', 'i', 'n'};
        CHECK(parse_error(text) == ElfError::BadMagic);
    }
    SECTION("ELFCLASS64") {
        b[4] = 2;
        CHECK(parse_error(b) == ElfError::NotElf32);
    }
    SECTION("big-endian") {
        b[5] = 2;
        CHECK(parse_error(b) == ElfError::NotLittleEndian);
    }
    SECTION("version") {
        put32(b, 20, 2);
        CHECK(parse_error(b) == ElfError::BadVersion);
    }
    SECTION("machine x86-64") {
        put16(b, 18, 62);
        CHECK(parse_error(b) == ElfError::NotI386);
    }
    SECTION("shared object") {
        put16(b, 16, 3);
        CHECK(parse_error(b) == ElfError::NotExecutable);
    }
    SECTION("program header entry size") {
        put16(b, 42, 40);
        CHECK(parse_error(b) == ElfError::BadProgramHeader);
    }
    SECTION("a dynamic executable") {
        size_t other = phnum(b);
        for (size_t i = 0; i < phnum(b); i++)
            if (get32(b, ph(b, i) + kPhType) != 1) other = i;
        REQUIRE(other < phnum(b));
        put32(b, ph(b, other) + kPhType, 3);  // PT_INTERP
        CHECK(parse_error(b) == ElfError::NotStatic);
    }
    SECTION("no PT_LOAD") {
        for (size_t i = 0; i < phnum(b); i++)
            if (get32(b, ph(b, i) + kPhType) == 1) put32(b, ph(b, i) + kPhType, 4);  // PT_NOTE
        CHECK(parse_error(b) == ElfError::NoSegments);
    }
}

TEST_CASE("elf: an image cut at any header boundary is truncated", "[elf]") {
    const Bytes& b = fixture();
    const size_t table_end = ph(b, phnum(b));
    std::vector<size_t> cuts = {0, 4, 16, 51};
    for (size_t i = 0; i <= phnum(b); i++) {
        if (ph(b, i) > 0) cuts.push_back(ph(b, i) - 1);
        if (i < phnum(b)) cuts.push_back(ph(b, i) + 16);
    }
    for (size_t cut : cuts) {
        REQUIRE(cut < table_end);
        const Bytes short_copy(b.begin(), b.begin() + static_cast<ptrdiff_t>(cut));
        INFO("cut at " << cut);
        CHECK(parse_error(short_copy) == ElfError::Truncated);
    }
    CHECK(elf::try_parse(nullptr, 0, kUserLimit).error() == ElfError::Truncated);

    // Past the table, a cut through a segment's file bytes is a segment out of the image.
    const size_t data = data_header(b);
    const Bytes cut_data(b.begin(), b.begin() + get32(b, data + kPhOffset) + 1);
    CHECK(parse_error(cut_data) == ElfError::SegmentOutOfImage);
}

TEST_CASE("elf: a program header table past the end is truncated", "[elf]") {
    Bytes b = fixture();
    SECTION("offset") {
        put32(b, 28, static_cast<uint32_t>(b.size() - 16));
        CHECK(parse_error(b) == ElfError::Truncated);
    }
    SECTION("offset near 2^32") {
        put32(b, 28, 0xfffffff0);
        CHECK(parse_error(b) == ElfError::Truncated);
    }
    SECTION("count") {
        put16(b, 44, 0xffff);
        CHECK(parse_error(b) == ElfError::Truncated);
    }
}

TEST_CASE("elf: a bad PT_LOAD header gives its own error", "[elf]") {
    Bytes b = fixture();
    const size_t text = text_header(b);
    const size_t data = data_header(b);
    SECTION("p_offset + p_filesz past the end") {
        put32(b, data + kPhFilesz, static_cast<uint32_t>(b.size()));
        put32(b, data + kPhMemsz, static_cast<uint32_t>(b.size()) + 0x1000);
        CHECK(parse_error(b) == ElfError::SegmentOutOfImage);
    }
    SECTION("p_offset + p_filesz wraps") {
        put32(b, data + kPhOffset, 0xfffff064);
        put32(b, data + kPhFilesz, 0x1000);
        put32(b, data + kPhMemsz, 0x2000);
        CHECK(parse_error(b) == ElfError::SegmentOutOfImage);
    }
    SECTION("p_filesz > p_memsz") {
        put32(b, data + kPhMemsz, get32(b, data + kPhFilesz) - 1);
        CHECK(parse_error(b) == ElfError::FileSizeTooLarge);
    }
    SECTION("overlapping segments") {
        put32(b, data + kPhVaddr, kTextBase + 8);
        put32(b, data + kPhAlign, 1);
        CHECK(parse_error(b) == ElfError::OverlappingSegments);
    }
    SECTION("entry outside any executable segment") {
        put32(b, 24, get32(b, data + kPhVaddr));
        CHECK(parse_error(b) == ElfError::BadEntry);
        put32(b, 24, get32(b, text + kPhVaddr) + get32(b, text + kPhMemsz));  // one past the code
        CHECK(parse_error(b) == ElfError::BadEntry);
        put32(b, 24, 0);
        CHECK(parse_error(b) == ElfError::BadEntry);
    }
    SECTION("entry in code that is not executable") {
        put32(b, text + kPhFlags, elf::kFlagRead);
        CHECK(parse_error(b) == ElfError::BadEntry);
    }
    SECTION("segment above the user limit") {
        put32(b, data + kPhVaddr, kUserLimit - 0x1000 + (get32(b, data + kPhVaddr) & 0xfff));
        CHECK(parse_error(b) == ElfError::AboveUserLimit);
    }
    SECTION("vaddr + memsz wraps") {
        put32(b, data + kPhVaddr, 0xfffff000);
        put32(b, data + kPhMemsz, 0x2000);
        put32(b, data + kPhAlign, 1);
        CHECK(parse_error(b, UINT32_MAX) == ElfError::AddressWraps);
    }
    SECTION("p_align not a power of two") {
        put32(b, data + kPhAlign, 0x1800);
        CHECK(parse_error(b) == ElfError::BadProgramHeader);
    }
    SECTION("p_vaddr and p_offset disagree modulo p_align") {
        put32(b, data + kPhVaddr, get32(b, data + kPhVaddr) + 4);
        CHECK(parse_error(b) == ElfError::BadProgramHeader);
    }
}

TEST_CASE("elf: the user limit is exclusive", "[elf]") {
    const Bytes& b = fixture();
    auto r = elf::try_parse(b.data(), b.size(), kUserLimit);
    REQUIRE(r.ok());
    const uint32_t end = r.value().highest_vaddr;
    CHECK(elf::try_parse(b.data(), b.size(), end).ok());
    CHECK(parse_error(b, end - 1) == ElfError::AboveUserLimit);
}

TEST_CASE("elf: at most kMaxSegments PT_LOAD segments", "[elf]") {
    const Bytes fits = synthetic(elf::ElfImage::kMaxSegments);
    auto r = elf::try_parse(fits.data(), fits.size(), kUserLimit);
    REQUIRE(r.ok());
    CHECK(r.value().segment_count == elf::ElfImage::kMaxSegments);
    CHECK(r.value().highest_vaddr == kTextBase + 0x1000 * (elf::ElfImage::kMaxSegments - 1) + 16);
    const Bytes too_many = synthetic(elf::ElfImage::kMaxSegments + 1);
    CHECK(parse_error(too_many) == ElfError::TooManySegments);
}

TEST_CASE("elf: random byte flips of the fixture never crash the loader", "[elf]") {
    const Bytes& original = fixture();
    const size_t headers_end = ph(original, phnum(original));
    std::mt19937 rng(20240611);
    size_t accepted = 0;
    for (int round = 0; round < 2000; round++) {
        const Bytes b = flipped_copy(original, headers_end, rng);
        auto r = elf::try_parse(b.data(), b.size(), kUserLimit);
        if (!r.ok()) continue;
        accepted++;
        const elf::ElfImage& image = r.value();
        REQUIRE(image.segment_count <= elf::ElfImage::kMaxSegments);
        size_t total = 0;
        for (size_t i = 0; i < image.segment_count; i++) {
            const elf::ElfSegment& s = image.segments[i];
            REQUIRE(uint64_t{s.file_offset} + s.file_size <= b.size());
            REQUIRE(s.vaddr_end() <= kUserLimit);
            total += s.mem_size;
        }
        if (total > (1u << 16)) continue;  // a valid but large .bss: too slow for the map sink
        MapSink sink;
        REQUIRE(elf::try_load(image, b.data(), b.size(), sink).ok());
        REQUIRE(sink.rewritten == 0);
    }
    CHECK(accepted > 0);
}

TEST_CASE("elf: fill_page gives each page of the fixture its loaded bytes", "[elf]") {
    const Bytes& b = fixture();
    auto r = elf::try_parse(b.data(), b.size(), kUserLimit);
    REQUIRE(r.ok());
    MapSink sink;
    REQUIRE(elf::try_load(r.value(), b.data(), b.size(), sink).ok());
    uint32_t lowest = ~0u, highest = 0;
    for (size_t i = 0; i < r.value().segment_count; i++) {
        lowest = std::min(lowest, r.value().segments[i].vaddr);
        highest = std::max(highest, r.value().segments[i].vaddr_end());
    }
    // Every page the image touches, and one page on each side of it.
    for (uint32_t page = (lowest & ~0xFFFu) - elf::kPageBytes; page < highest + elf::kPageBytes;
         page += elf::kPageBytes) {
        std::vector<uint8_t> out(elf::kPageBytes, 0);
        elf::PageContents found = elf::fill_page(r.value(), b.data(), page, out.data());
        bool any = false, writable = false;
        for (uint32_t i = 0; i < elf::kPageBytes; i++) {
            auto at = sink.memory.find(page + i);
            CAPTURE(page, i);
            REQUIRE(out[i] == (at == sink.memory.end() ? 0 : at->second));
            if (at != sink.memory.end()) {
                any = true;
                writable = writable || (sink.flags.at(page + i) & elf::kFlagWrite) != 0;
            }
        }
        CHECK(found.in_image == any);
        CHECK(found.writable == writable);
    }
}
