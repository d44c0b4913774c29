// rights.h: the read/write/execute access rights of L4 X.2 fpages and page faults.
//
// X.2 packs the three rights into three bits wherever they appear: in an fpage's low
// bits, in a page-fault message's label, in the KIP's page info:
//
//    2   1   0
//  +---+---+---+
//  | r | w | x |     r = 4 (read), w = 2 (write), x = 1 (execute)
//  +---+---+---+
//
// Verified against Pistachio user/include/l4/types.h (L4_Readable 0x04, L4_Writable 0x02,
// L4_eXecutable 0x01) and kernel/src/api/v4/ipc.h (pagefault_tag).
#pragma once

#include <stdint.h>

#include "api/word.h"

namespace api {

/// A set of access rights; combine with | and &.
enum class Rights : uint8_t {
    None = 0,
    Execute = 1,
    Write = 2,
    Read = 4,
    ReadExecute = 5,
    ReadWrite = 6,
    Full = 7,
};

[[nodiscard]] constexpr Word rights_bits(Rights r) { return static_cast<Word>(r); }

/// The rights in the low three bits of `bits`; higher bits are ignored.
[[nodiscard]] constexpr Rights rights_from_bits(Word bits) { return static_cast<Rights>(bits & 7); }

[[nodiscard]] constexpr Rights operator|(Rights a, Rights b) {
    return rights_from_bits(rights_bits(a) | rights_bits(b));
}

[[nodiscard]] constexpr Rights operator&(Rights a, Rights b) {
    return rights_from_bits(rights_bits(a) & rights_bits(b));
}

constexpr Rights& operator|=(Rights& a, Rights b) { return a = a | b; }

/// `a` with the rights in `b` taken away.
[[nodiscard]] constexpr Rights without(Rights a, Rights b) {
    return rights_from_bits(rights_bits(a) & ~rights_bits(b));
}

/// True if any right is set.
[[nodiscard]] constexpr bool any(Rights r) { return r != Rights::None; }

/// True if `have` includes every right in `want`.
[[nodiscard]] constexpr bool has_all(Rights have, Rights want) { return (have & want) == want; }

static_assert((Rights::Read | Rights::Write) == Rights::ReadWrite);
static_assert(without(Rights::Full, Rights::Write) == Rights::ReadExecute);

}  // namespace api
