// multiboot.h: what the boot loader tells the kernel (multiboot 1).
//
// The loader leaves a multiboot information structure in memory and its
// physical address in EBX. Its layout (multiboot spec 0.6.96, section 3.3):
//
//   offset  field          valid when flags bit
//    0      flags
//    4      mem_lower      0   KiB below 1 MiB
//    8      mem_upper      0   KiB above 1 MiB
//   16      cmdline        2   physical address of a C string
//   20      mods_count     3
//   24      mods_addr      3   array of {mod_start, mod_end, string, reserved}
//   44      mmap_length    6   bytes of memory-map entries
//   48      mmap_addr      6   entries {size, base_addr:64, length:64, type},
//                              where `size` does not count itself
//
// parse_multiboot() copies what the kernel needs into a BootInfo, because the
// loader's structures lie in memory that the kernel will reuse.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace platform {

inline constexpr uint32_t kMultibootBootloaderMagic = 0x2BADB002;

struct MemoryMapEntry {
    uint64_t base;
    uint64_t length;
    uint32_t type;  ///< 1 = usable RAM, 3 = ACPI reclaimable, 4 = ACPI NVS, other = reserved
};

struct BootModule {
    uint32_t start;  ///< physical [start, end)
    uint32_t end;
    char name[64];
};

/// Memory the loader's own structures occupy (physical [start, end)): the
/// information structure, the command lines, the module list, the memory map.
struct LoaderRange {
    uint32_t start;
    uint32_t end;
};

struct BootInfo {
    char cmdline[2048];
    unsigned num_loader_ranges;
    LoaderRange loader_ranges[24];
    unsigned num_memory_entries;
    MemoryMapEntry memory[32];
    unsigned num_modules;
    BootModule modules[16];
};

/// Reads the loader's structure; `phys_to_virt` makes a physical address
/// readable. Returns false (with a reason) if the structure is unusable.
bool parse_multiboot(uint32_t info_phys, const void* (*phys_to_virt)(uint64_t phys, size_t len),
                     BootInfo& out, const char** error);

}  // namespace platform
