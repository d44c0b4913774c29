// elf_bytes.h: reading and patching ELF32 images as byte vectors, for the
// loader's host tests (elf_test.cc on a tiny fixture, elf_programs_test.cc on
// the user programs the build makes).
#pragma once

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <random>
#include <vector>

#include "lib/elf.h"

namespace elf_test {

using elf::ElfError;
using Bytes = std::vector<uint8_t>;

constexpr uint32_t kUserLimit = 0xC0000000;

// Program header field offsets (the layout is drawn in elf.cc).
constexpr size_t kPhType = 0, kPhOffset = 4, kPhVaddr = 8, kPhFilesz = 16, kPhMemsz = 20, kPhFlags = 24,
                 kPhAlign = 28;

inline uint32_t get32(const Bytes& b, size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; i++) v |= uint32_t{b.at(at + i)} << (8 * i);
    return v;
}
inline uint16_t get16(const Bytes& b, size_t at) { return static_cast<uint16_t>(b.at(at) | b.at(at + 1) << 8); }
inline void put32(Bytes& b, size_t at, uint32_t v) {
    for (size_t i = 0; i < 4; i++) b.at(at + i) = static_cast<uint8_t>(v >> (8 * i));
}
inline void put16(Bytes& b, size_t at, uint16_t v) {
    b.at(at) = static_cast<uint8_t>(v);
    b.at(at + 1) = static_cast<uint8_t>(v >> 8);
}

inline Bytes read_file(const char* path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline size_t phoff(const Bytes& b) { return get32(b, 28); }
inline size_t phnum(const Bytes& b) { return get16(b, 44); }
inline size_t ph(const Bytes& b, size_t i) { return phoff(b) + 32 * i; }

/// The file offset of the program header of the first PT_LOAD whose p_flags are `flags`.
inline size_t load_header_with_flags(const Bytes& b, uint32_t flags) {
    for (size_t i = 0; i < phnum(b); i++)
        if (get32(b, ph(b, i) + kPhType) == 1 && get32(b, ph(b, i) + kPhFlags) == flags) return ph(b, i);
    FAIL("the fixture has no PT_LOAD with flags " << flags);
    return 0;
}
inline size_t text_header(const Bytes& b) { return load_header_with_flags(b, elf::kFlagRead | elf::kFlagExecute); }
inline size_t data_header(const Bytes& b) { return load_header_with_flags(b, elf::kFlagRead | elf::kFlagWrite); }

inline ElfError parse_error(const Bytes& b, uint32_t limit = kUserLimit) {
    auto r = elf::try_parse(b.data(), b.size(), limit);
    REQUIRE_FALSE(r.ok());
    return r.error();
}

/// A copy of `original` with one to four random bytes changed, mostly in the headers
/// (below `headers_end`, where every byte is checked), sometimes anywhere, and one
/// time in eight cut at a random length.
inline Bytes flipped_copy(const Bytes& original, size_t headers_end, std::mt19937& rng) {
    Bytes b = original;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; f++) {
        const size_t at = rng() % 4 ? rng() % headers_end : rng() % b.size();
        b[at] ^= static_cast<uint8_t>(1 + rng() % 255);
    }
    if (rng() % 8 == 0) b.resize(rng() % b.size());
    return b;
}

}  // namespace elf_test
