// boot_info.h: the kernel command line, read from the multiboot information.
//
// The KIP's boot_info word is the physical address of the multiboot information
// structure; it, and the command line it points to (offset 16, valid when flags bit 2
// is set), are boot-loader memory that sigma0 hands out when asked for by address
// (docs/user-boot.md).
#pragma once

#include <stddef.h>

namespace l4test {

/// Copies the kernel command line into `buffer`; false if it could not be read.
[[nodiscard]] bool read_kernel_command_line(char* buffer, size_t size);

}  // namespace l4test
