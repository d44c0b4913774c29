// boot_info.cc: the kernel command line through sigma0 (see boot_info.h).
#include "boot_info.h"

#include "l4/kip.h"
#include "l4/string.h"
#include "layout.h"
#include "root_memory.h"

namespace l4test {

namespace {
constexpr Word kMultibootFlagCmdline = 1 << 2;
constexpr Word kMultibootCmdlineOffset = 16;
}  // namespace

bool read_kernel_command_line(char* buffer, size_t size) {
    Word info = l4::kip().boot_info;
    if (info == 0 || get_physical_page(info) == 0) return false;
    // The structure's first 32 bytes do not cross a page: multiboot aligns it to 4.
    const Word* words = reinterpret_cast<const Word*>(window_address(info));
    if ((words[0] & kMultibootFlagCmdline) == 0) return false;
    Word cmdline = words[kMultibootCmdlineOffset / 4];
    size_t length = 0;
    Word mapped_up_to = 0;
    while (length + 1 < size) {
        Word physical = cmdline + length;
        if (physical >= mapped_up_to) {
            if (get_physical_page(physical) == 0) return false;
            mapped_up_to = (physical & ~(kPageSize - 1)) + kPageSize;
        }
        char c = *reinterpret_cast<const char*>(window_address(physical));
        if (c == '\0') break;
        buffer[length++] = c;
    }
    buffer[length] = '\0';
    return true;
}

}  // namespace l4test
