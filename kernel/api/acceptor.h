// acceptor.h: the L4 X.2 acceptor, which says what a receiver takes in an IPC.
//
// A receiving thread puts its acceptor in buffer register BR0 (utcb.h):
//
//    31                                                      4 3       1   0
//   +---------------------------------------------------------+---------+---+
//   |  receive window: fpage bits 31..4 (base and size)       |  0 0 0  | s |
//   +---------------------------------------------------------+---------+---+
//
//   receive window: the region of the receiver's address space that map and grant
//     items may map into (map_item.h); the nil fpage accepts no mappings, the complete
//     fpage accepts them anywhere, an IO fpage accepts IO ports. The fpage's rights bits
//     do not exist here: bits 3..1 are zero.
//   s: the receiver accepts string items (out of scope of kernel/api for now).
//
// Verified against Pistachio kernel/src/api/v4/ipc.h (acceptor_t: strings:1, reserved:3,
// rcv_window: 28 bits, get_rcv_window() == rcv_window << 4).
#pragma once

#include "api/fpage.h"
#include "api/word.h"

namespace api {

class Acceptor {
public:
    [[nodiscard]] static constexpr Acceptor make(Fpage receive_window, bool strings) {
        return from_raw((receive_window.raw() & ~low_mask(4)) | (strings ? 1 : 0));
    }
    [[nodiscard]] static constexpr Acceptor from_raw(Word raw) {
        Acceptor a;
        a.m_raw = raw;
        return a;
    }

    [[nodiscard]] constexpr Word raw() const { return m_raw; }
    [[nodiscard]] constexpr bool accepts_strings() const { return (m_raw & 1) != 0; }
    /// The window as an fpage without rights.
    [[nodiscard]] constexpr Fpage receive_window() const { return Fpage::from_raw(m_raw & ~low_mask(4)); }
    [[nodiscard]] constexpr bool accepts_mappings() const { return !receive_window().is_nil(); }

    friend constexpr bool operator==(Acceptor, Acceptor) = default;

private:
    Word m_raw = 0;
};

static_assert(sizeof(Acceptor) == 4);
static_assert(Acceptor::make(Fpage::complete(Rights::Full), true).raw() == 0x11);

}  // namespace api
