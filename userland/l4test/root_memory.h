// root_memory.h: pages the root task gets from sigma0, seen through the sigma0 window
// (layout.h).
#pragma once

#include "api/fpage.h"
#include "api/word.h"

namespace l4test {

using api::Word;

/// A fresh 4 KiB page from sigma0: its address in the root task, or 0 if sigma0 had
/// none. `physical` (may be null) gets its physical address.
[[nodiscard]] Word get_page(Word* physical = nullptr);
/// The page at physical address `physical` (e.g. boot-loader memory), mapped into the
/// sigma0 window; returns its address there or 0 if sigma0 refused.
[[nodiscard]] Word get_physical_page(Word physical);
/// Where physical address `physical` appears in the sigma0 window.
[[nodiscard]] Word window_address(Word physical);

}  // namespace l4test
