// api_map_item_test.cc: map and grant items, and the acceptor (kernel/api/map_item.h, acceptor.h).
#include <catch2/catch.hpp>

#include "api/acceptor.h"
#include "api/map_item.h"

using api::Acceptor;
using api::Fpage;
using api::ItemKind;
using api::MapItem;
using api::Rights;

TEST_CASE("map item: map and grant items round-trip", "[api][map_item]") {
    Fpage f = Fpage::memory(0x00400000, 12, Rights::ReadWrite);
    for (api::Word base : {0x0u, 0x00400000u, 0x12345400u, 0xFFFFFC00u}) {
        MapItem m = MapItem::map(f, base);
        CHECK_FALSE(m.is_grant());
        CHECK(m.send_base() == base);
        CHECK(m.fpage() == f);
        CHECK_FALSE(m.more_items());
        auto back = MapItem::try_decode(m.word0(), m.word1());
        REQUIRE(back.ok());
        CHECK(back.value() == m);

        MapItem g = MapItem::grant(f, base);
        CHECK(g.is_grant());
        CHECK(g.send_base() == base);
        CHECK(MapItem::try_decode(g.word0(), g.word1()).value() == g);
    }
}

TEST_CASE("map item: known bit patterns", "[api][map_item]") {
    // L4_MapItem(f, 0x400000): type 100 in bits 3..1, send base bits 31..10.
    MapItem m = MapItem::map(Fpage::memory(0x00400000, 12, Rights::Full), 0x00400000);
    CHECK(m.word0() == 0x00400008);
    CHECK(m.word1() == 0x004000C7);
    CHECK(MapItem::grant(Fpage::nil(), 0).word0() == 0x0000000A);
    // The send base drops its low 10 bits.
    CHECK(MapItem::map(Fpage::nil(), 0x12345678).send_base() == 0x12345400);
}

TEST_CASE("map item: the C bit chains items", "[api][map_item]") {
    MapItem m = MapItem::map(Fpage::complete(), 0).with_more_items(true);
    CHECK(m.more_items());
    CHECK(m.word0() == 0x9);
    CHECK_FALSE(m.with_more_items(false).more_items());
    CHECK(MapItem::try_decode(m.word0(), m.word1()).value().more_items());
}

TEST_CASE("map item: other typed items are told apart and rejected", "[api][map_item]") {
    CHECK(api::item_kind(0x0) == ItemKind::String);
    CHECK(api::item_kind(0x6) == ItemKind::String);  // type 011: a string item with cache hints
    CHECK(api::item_kind(0x8) == ItemKind::Map);
    CHECK(api::item_kind(0xA) == ItemKind::Grant);
    CHECK(api::item_kind(0xC) == ItemKind::ControlTransfer);
    CHECK(api::item_kind(0xE) == ItemKind::Reserved);
    for (api::Word w0 : {0x0u, 0x6u, 0xCu, 0xEu, 0x00401001u})
        CHECK(MapItem::try_decode(w0, 0).error() == api::Error::InvalidParam);
    // Pistachio ignores the six zero bits; so do we.
    CHECK(MapItem::try_decode(0x000003F8, 0).value().send_base() == 0);
}

TEST_CASE("acceptor: receive window and string bit", "[api][map_item]") {
    Acceptor none = Acceptor::from_raw(0);
    CHECK_FALSE(none.accepts_mappings());
    CHECK_FALSE(none.accepts_strings());

    Acceptor all = Acceptor::make(Fpage::complete(Rights::Full), false);
    CHECK(all.raw() == 0x10);
    CHECK(all.accepts_mappings());
    CHECK(all.receive_window().is_complete());
    CHECK(all.receive_window().rights() == Rights::None);

    Fpage window = Fpage::memory(0x10000000, 28, Rights::None);
    Acceptor a = Acceptor::make(window, true);
    CHECK(a.accepts_strings());
    CHECK(a.receive_window() == window);
    CHECK(Acceptor::from_raw(a.raw()) == a);

    Acceptor io = Acceptor::make(api::IoFpage::complete().fpage(), false);
    CHECK(io.receive_window().is_io());
}
