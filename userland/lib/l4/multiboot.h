// multiboot.h: what the boot loader left for a root task: the kernel command line and
// the modules, read from the multiboot information (the base OS and the NUMA OS's root
// pager both start programs from modules).
//
// The KIP's boot_info word is the physical address of the multiboot information; it,
// the module list, the command lines and the modules are boot-loader memory, which
// sigma0 hands to whoever asks for those addresses (docs/user-boot.md). The caller
// says how it sees physical memory (`MapPhysical`: ask sigma0 for the pages, return
// where they appear). The words read:
//   offset  0  flags: bit 2 cmdline valid, bit 3 modules valid
//          16  cmdline: physical address of the kernel command line
//          20  mods_count, 24 mods_addr: the module list, 16 bytes per module:
//              mod_start, mod_end (exclusive), string (its command line), reserved
// A module's command line is "path/name.elf args...": its name is the file name
// without directories and ".elf", its argument string the rest.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "api/word.h"

namespace l4 {

using api::Word;

/// The longest module name and argument string kept (without NUL): those of the OS
/// protocol (os/protocol.h), which carries them.
inline constexpr unsigned kMaxModuleName = 31;
inline constexpr unsigned kMaxModuleArgs = 200;

struct BootModule {
    Word physical;  ///< where the ELF file starts
    Word size;
    const uint8_t* data;  ///< where the caller's MapPhysical put it
    char name[kMaxModuleName + 1];
    char args[kMaxModuleArgs + 1];
};

/// Makes [physical, physical + size) visible; returns where its first byte is, or null.
using MapPhysical = const uint8_t* (*)(Word physical, Word size);
/// Called for each module from `first` on; `index` is its multiboot index.
using ModuleFound = void (*)(unsigned index, const BootModule& module);

/// Copies the kernel command line into `cmdline` (empty if there is none) and reports
/// every module from `first` on; false (with a message) if the information cannot be
/// read. A module that cannot be mapped is reported with a message and skipped.
[[nodiscard]] bool read_multiboot(MapPhysical map, char* cmdline, size_t cmdline_size, unsigned first,
                                  ModuleFound found);

}  // namespace l4
