// word.h: the machine word of the L4 X.2 IA32 binary interface, and bit-field helpers.
//
// Every X.2 data type is defined in words, and on IA32 a word is 32 bits. The types in
// kernel/api/ are built on Word (never uintptr_t or unsigned long), so the Catch2 host
// tests, which run on a 64-bit host, see exactly the layouts the IA32 kernel sees.
//
// The X.2 headers of L4Ka::Pistachio describe these words with C bit-fields. We decode
// them with shifts and masks instead: bit-field order is up to the compiler, a shift is
// not, and a shift can be evaluated at compile time and checked with static_assert.
#pragma once

#include <stdint.h>

namespace api {

using Word = uint32_t;

inline constexpr unsigned kBitsPerWord = 32;
static_assert(sizeof(Word) * 8 == kBitsPerWord);

/// A word with the low `width` bits set (width may be 0..32).
[[nodiscard]] constexpr Word low_mask(unsigned width) {
    return width >= kBitsPerWord ? ~Word{0} : (Word{1} << width) - 1;
}

/// Bits [shift, shift + width) of `word`, moved down to bit 0.
[[nodiscard]] constexpr Word get_bits(Word word, unsigned shift, unsigned width) {
    return (word >> shift) & low_mask(width);
}

/// `value` placed at bits [shift, shift + width); bits of `value` above `width` are dropped.
[[nodiscard]] constexpr Word put_bits(Word value, unsigned shift, unsigned width) {
    return (value & low_mask(width)) << shift;
}

static_assert(get_bits(0xABCD1234, 16, 16) == 0xABCD);
static_assert(put_bits(0x3F, 4, 6) == 0x3F0);

}  // namespace api
