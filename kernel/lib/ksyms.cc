// ksyms.cc: binary search in the generated symbol table (see ksyms.h).
//
// Table layout, as scripts/gen_ksyms.py writes it into .ksyms:
//   uint32_t count;
//   struct { uint32_t address; uint32_t name_offset; } entries[count];  // sorted by address
//   char names[];  // NUL-terminated, name_offset counts from here
#include "lib/ksyms.h"

#include "lib/console.h"

extern "C" const uint32_t ksyms_table[];
extern "C" char _text_start[], _text_end[];

namespace ksyms {

const char* lookup(uintptr_t addr, uintptr_t* offset) {
    if (addr < uintptr_t(_text_start) || addr >= uintptr_t(_text_end)) return nullptr;
    uint32_t count = ksyms_table[0];
    const uint32_t* entries = ksyms_table + 1;
    const char* names = reinterpret_cast<const char*>(entries + 2 * count);
    // Find the last entry whose address is <= addr.
    uint32_t lo = 0, hi = count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (entries[2 * mid] <= addr) lo = mid + 1;
        else hi = mid;
    }
    if (lo == 0) return nullptr;
    *offset = addr - entries[2 * (lo - 1)];
    return names + entries[2 * (lo - 1) + 1];
}

void print_address(uintptr_t addr) {
    uintptr_t offset = 0;
    const char* name = lookup(addr, &offset);
    if (name != nullptr) kprintf("  %p %s+0x%x\n", reinterpret_cast<void*>(addr), name, unsigned(offset));
    else kprintf("  %p\n", reinterpret_cast<void*>(addr));
}

}  // namespace ksyms
