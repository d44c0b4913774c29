// boot_info.h: what the boot loader left for the base OS: the kernel command line and
// the program modules, read from the multiboot information.
//
// The KIP's boot_info word is the physical address of the multiboot information; it,
// the module list, the command lines and the modules are boot-loader memory, which
// sigma0 hands to whoever asks for those addresses (docs/user-boot.md). The OS asks
// for every page of them once, at start, into its physical window (frames.h), and keeps
// them: program images are read from there whenever a task faults on its code.
//
// Module 0 is sigma0, module 1 the OS itself; modules 2.. are programs. Each module's
// command line is "path/name.elf args...": the program's name is the file name without
// directories and ".elf", its argument string the rest.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "os/protocol.h"

namespace baseos {

struct Module {
    const uint8_t* data;  ///< the ELF file, in the physical window
    size_t size;
    char name[os::kMaxModuleName + 1];
    char args[os::kMaxArgs + 1];
};

/// Reads the command line and the program modules; false (with a message printed) if
/// the multiboot information cannot be read.
[[nodiscard]] bool read_boot_info();

[[nodiscard]] unsigned program_count();
[[nodiscard]] const Module& program(unsigned i);
/// The program module called `name`, or null.
[[nodiscard]] const Module* find_program(const char* name);

/// The value of option `key` (key=value) in the kernel command line; false if absent.
[[nodiscard]] bool find_option(const char* key, char* value, size_t size);

/// The kernel command line.
[[nodiscard]] const char* command_line();

/// Whether the kernel command line holds the flag `word` ("exit").
[[nodiscard]] bool has_flag(const char* word);

}  // namespace baseos
