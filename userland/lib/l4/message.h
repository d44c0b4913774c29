// message.h: building and reading messages in the message registers.
//
// A message is MR0 (the tag: label, untyped count u, typed count t) followed by u
// untyped words and t typed words (map and grant items, two words each). The receiver
// says which mappings it takes in its acceptor, BR0. The types themselves (MsgTag,
// MapItem, Fpage, Acceptor, Time, Timeouts) are the kernel's, from kernel/api.
#pragma once

#include "api/acceptor.h"
#include "api/fpage.h"
#include "api/map_item.h"
#include "api/msg_tag.h"
#include "api/time.h"
#include "l4/utcb.h"

namespace l4 {

using api::Acceptor;
using api::Fpage;
using api::MapItem;
using api::MsgTag;
using api::Rights;
using api::Time;

/// MR0 = a tag with `label` and `count` untyped words, MR1.. = words.
inline void load_message(uint16_t label, const Word* words, unsigned count) {
    set_mr(0, MsgTag::make(label, count, 0).raw());
    for (unsigned i = 0; i < count; ++i) set_mr(1 + i, words[i]);
}

/// The same, with the words given inline: load_words(label, {a, b, c}).
template <unsigned N>
inline void load_words(uint16_t label, const Word (&words)[N]) {
    load_message(label, words, N);
}

inline void load_empty(uint16_t label) { set_mr(0, MsgTag::make(label, 0, 0).raw()); }

/// A message of `untyped` words already in MR1.., plus one map or grant item after them.
inline void load_with_item(uint16_t label, unsigned untyped, MapItem item) {
    set_mr(0, MsgTag::make(label, untyped, api::kMapItemWords).raw());
    set_mr(1 + untyped, item.word0());
    set_mr(2 + untyped, item.word1());
}

/// Accept map and grant items into `window` (Fpage::nil(): accept none).
inline void accept(Fpage window) { set_br(0, Acceptor::make(window, false).raw()); }

/// The map or grant item at MR(first), MR(first + 1) of a received message.
[[nodiscard]] inline MapItem received_item(unsigned first) {
    return MapItem::try_decode(mr(first), mr(first + 1)).value_or(MapItem::map(Fpage::nil(), 0));
}

/// Timeouts in microseconds.
[[nodiscard]] inline Time microseconds(uint64_t us) { return Time::from_microseconds(us); }
[[nodiscard]] inline Time milliseconds(uint64_t ms) { return Time::from_microseconds(ms * 1000); }

}  // namespace l4
