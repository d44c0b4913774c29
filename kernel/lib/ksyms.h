// ksyms.h: turning code addresses into function names for backtraces.
//
// The build links the kernel twice: the first link's symbols (llvm-nm) are
// turned into a table (scripts/gen_ksyms.py) that the second link places in
// the .ksyms section, last in the image so that it moves no other symbol.
#pragma once

#include <stdint.h>

namespace ksyms {

/// The name of the function containing `addr` and the offset into it, or
/// nullptr when the address is outside the kernel's code.
const char* lookup(uintptr_t addr, uintptr_t* offset);

/// Prints "  0xADDR name+0xoff" (or just the address) on one line.
void print_address(uintptr_t addr);

}  // namespace ksyms
