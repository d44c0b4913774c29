// map_item.h: L4 X.2 map and grant items, the typed message words that move mappings.
//
// A sender puts map or grant items after the untyped words of a message (the tag's t
// counts their words); the kernel maps (or grants: maps and removes from the sender)
// the send fpage into the receiver's receive window (acceptor.h). Each item is two words:
//
//   word 0:
//    31                                10 9              4 3       1   0
//   +------------------------------------+----------------+---------+---+
//   |  send base: address bits 31..10    |  0 0 0 0 0 0   |  type   | C |
//   +------------------------------------+----------------+---------+---+
//   word 1: the send fpage (fpage.h)
//
//   type: 100 map item, 101 grant item. (0xx is a string item and 110 Pistachio's
//         control-transfer item: both are out of scope here; item_kind() names them so
//         that the IPC code can reject them.)
//   C: "continue": another typed item follows this one.
//   send base: where in a receive window larger than the fpage the fpage lands; in
//         X.2, at the window's address plus the send base modulo the window size,
//         rounded down to the fpage size (X.2 manual semantics, unverified here).
//
// Pistachio masks the six zero bits away instead of checking them (msg_item_t::
// get_snd_base: raw & ~0x3ff); so do we.
//
// Verified against Pistachio user/include/l4/message.h (L4_MapItem_t: C:1, __type:3,
// __zeros:6, snd_base:22; types 0x04, 0x05; L4_CtrlXferItem type 6) and
// kernel/src/api/v4/ipc.h (msg_item_t: is_map_item type == 4, is_grant_item type == 5,
// is_string_item (type & 4) == 0).
#pragma once

#include "api/error.h"
#include "api/fpage.h"
#include "api/word.h"

namespace api {

/// What a typed item's first word says it is.
enum class ItemKind : uint8_t { String, Map, Grant, ControlTransfer, Reserved };

[[nodiscard]] constexpr ItemKind item_kind(Word word0) {
    switch (get_bits(word0, 1, 3)) {
    case 4: return ItemKind::Map;
    case 5: return ItemKind::Grant;
    case 6: return ItemKind::ControlTransfer;
    case 7: return ItemKind::Reserved;
    default: return ItemKind::String;
    }
}

/// A map item or a grant item (a grant item is a map item with type 101).
class MapItem {
public:
    static constexpr Word kTypeMap = 4;
    static constexpr Word kTypeGrant = 5;

    [[nodiscard]] static constexpr MapItem map(Fpage fpage, Word send_base) {
        return MapItem(put_bits(kTypeMap, 1, 3) | (send_base & ~low_mask(10)), fpage);
    }
    [[nodiscard]] static constexpr MapItem grant(Fpage fpage, Word send_base) {
        return MapItem(put_bits(kTypeGrant, 1, 3) | (send_base & ~low_mask(10)), fpage);
    }
    /// The item in two message words, or InvalidParam if word 0 is not a map or grant item.
    [[nodiscard]] static constexpr Result<MapItem> try_decode(Word word0, Word word1) {
        ItemKind kind = item_kind(word0);
        if (kind != ItemKind::Map && kind != ItemKind::Grant) return Error::InvalidParam;
        return MapItem(word0, Fpage::from_raw(word1));
    }

    [[nodiscard]] constexpr Word word0() const { return m_word0; }
    [[nodiscard]] constexpr Word word1() const { return m_fpage.raw(); }

    [[nodiscard]] constexpr bool is_grant() const { return item_kind(m_word0) == ItemKind::Grant; }
    [[nodiscard]] constexpr Fpage fpage() const { return m_fpage; }
    [[nodiscard]] constexpr Word send_base() const { return m_word0 & ~low_mask(10); }
    /// The C bit: another typed item follows.
    [[nodiscard]] constexpr bool more_items() const { return (m_word0 & 1) != 0; }
    [[nodiscard]] constexpr MapItem with_more_items(bool more) const {
        return MapItem((m_word0 & ~Word{1}) | (more ? 1 : 0), m_fpage);
    }

    friend constexpr bool operator==(MapItem, MapItem) = default;

private:
    constexpr MapItem(Word word0, Fpage fpage) : m_word0(word0), m_fpage(fpage) {}

    Word m_word0;
    Fpage m_fpage;
};

/// An item takes two message registers.
inline constexpr unsigned kMapItemWords = 2;
static_assert(sizeof(MapItem) == kMapItemWords * sizeof(Word));
static_assert(MapItem::map(Fpage::nil(), 0).word0() == 0x8);
static_assert(MapItem::grant(Fpage::nil(), 0x12345678).word0() == 0x1234540A);

}  // namespace api
