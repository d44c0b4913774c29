// options.h: `key=value` words and flags, as on the kernel command line and in a
// program's arguments ("nonce=abc test=l4.all", "overlap=0.5 iter=4").
// The kernel command line, the test root task, the base OS and its programs
// all read their options with these functions.
#pragma once

#include <stddef.h>

#include "api/word.h"

namespace l4 {

/// Copies the value of the first word `key=...` of `text` into `value` (cut to
/// `size` - 1 characters); false if no word has that key.
[[nodiscard]] bool find_option(const char* text, const char* key, char* value, size_t size);

/// Whether `word` stands alone among the space-separated words of `text`
/// (a flag of the kernel command line, such as "exit").
[[nodiscard]] bool has_word(const char* text, const char* word);

/// A whole decimal number, or hexadecimal after "0x"; false (and *number
/// unspecified) if `text` is anything else.
[[nodiscard]] bool parse_number(const char* text, api::Word* number);

}  // namespace l4
