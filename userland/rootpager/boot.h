// boot.h: the root pager's view of the boot: the kernel command line and the modules.
//
// Module 0 is sigma0, module 1 the root pager itself, module 2 the application pager's
// image (apppager.elf), modules 3.. the programs the OS runs. The root pager asks
// sigma0 for every page of them (boot-loader memory, handed out by address) into the
// module window (numa/layout.h): the application pagers see them at the same
// addresses, read-only, and load programs from there.
#pragma once

#include <stddef.h>

#include "l4/multiboot.h"
#include "numa/system.h"

namespace rootpager {

using api::Word;

/// Reads the command line and the modules; false (with a message) if it cannot.
[[nodiscard]] bool read_boot();

/// The application pager's image (module 2); null if there is none.
[[nodiscard]] const l4::BootModule* pager_module();
/// Copies the program modules (3..) into `system`.
void record_programs(numa::System& system);
/// Parses and copies the application pager's image (module 2) into every pool
/// (pager_image.h); false (with a message) if there is none or it does not fit.
[[nodiscard]] bool load_pager_module(const numa::System& system);

/// The value of `key=value` on the kernel command line; false if absent.
[[nodiscard]] bool find_option(const char* key, char* value, size_t size);
/// Whether the kernel command line holds the word `word` ("exit").
[[nodiscard]] bool has_flag(const char* word);
/// The command line itself.
[[nodiscard]] const char* command_line();

}  // namespace rootpager
