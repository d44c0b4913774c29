// modules.h: which pages of the module window hold modules (boot.h reads them).
//
// The root pager maps every page of every module (the application pager's image and
// the programs) into the module window at start; the application pagers get those
// pages, read-only, on their page faults (pagers.cc).
#pragma once

#include "api/word.h"

namespace rootpager {

/// Whether `address` lies in a module page of the module window.
[[nodiscard]] bool is_module_page(api::Word address);

}  // namespace rootpager
