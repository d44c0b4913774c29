// boot_info.cc: the multiboot information through sigma0 (see boot_info.h).
//
// The multiboot information (the words the OS reads):
//   offset  0  flags: bit 2 cmdline valid, bit 3 modules valid
//          16  cmdline: physical address of the kernel command line
//          20  mods_count, 24 mods_addr: the module list, 16 bytes per module:
//              mod_start, mod_end (exclusive), string (its command line), reserved
#include "boot_info.h"

#include "frames.h"
#include "l4/options.h"
#include "l4/kip.h"
#include "l4/print.h"
#include "l4/string.h"

namespace baseos {

namespace {

constexpr Word kFlagCmdline = 1 << 2;
constexpr Word kFlagModules = 1 << 3;
constexpr unsigned kMaxPrograms = 16;
constexpr unsigned kFirstProgram = 2;

char g_cmdline[1024];
Module g_programs[kMaxPrograms];
unsigned g_program_count;

/// Maps [physical, physical + size) and returns where it is, or null.
const uint8_t* map_range(Word physical, Word size) {
    Word first = physical & ~(kPageSize - 1);
    for (Word page = first; page < physical + size || page == first; page += kPageSize)
        if (!map_physical_page(page)) return nullptr;
    return reinterpret_cast<const uint8_t*>(window_address(physical));
}

/// Copies the NUL-terminated string at `physical` (at most size - 1 characters).
bool copy_string(Word physical, char* to, size_t size) {
    size_t n = 0;
    Word mapped_up_to = 0;
    for (; n + 1 < size; ++n) {
        if (physical + n >= mapped_up_to) {
            if (map_range(physical + n, 1) == nullptr) return false;
            mapped_up_to = ((physical + n) & ~(kPageSize - 1)) + kPageSize;
        }
        char c = *reinterpret_cast<const char*>(window_address(physical + n));
        if (c == '\0') break;
        to[n] = c;
    }
    to[n] = '\0';
    return true;
}

/// Splits a module command line into the program's name and its argument string.
void name_module(const char* line, Module& module) {
    const char* end = line;
    while (*end != '\0' && *end != ' ') ++end;
    const char* base = end;
    while (base > line && base[-1] != '/') --base;
    size_t length = static_cast<size_t>(end - base);
    if (length > 4 && strncmp(end - 4, ".elf", 4) == 0) length -= 4;
    if (length > os::kMaxModuleName) length = os::kMaxModuleName;
    memcpy(module.name, base, length);
    module.name[length] = '\0';
    while (*end == ' ') ++end;
    size_t n = 0;
    for (; n < os::kMaxArgs && end[n] != '\0'; ++n) module.args[n] = end[n];
    module.args[n] = '\0';
}

}  // namespace

bool read_boot_info() {
    Word info = l4::kip().boot_info;
    const Word* words = info != 0 ? reinterpret_cast<const Word*>(map_range(info, 32)) : nullptr;
    if (words == nullptr) {
        l4::printf("baseos: cannot read the multiboot information (KIP boot_info %x)\n", info);
        return false;
    }
    if ((words[0] & kFlagCmdline) != 0 && !copy_string(words[4], g_cmdline, sizeof g_cmdline)) return false;
    if ((words[0] & kFlagModules) == 0) return true;
    Word count = words[5];
    const Word* list = reinterpret_cast<const Word*>(map_range(words[6], count * 16));
    if (list == nullptr) return false;
    char line[os::kMaxModuleName + os::kMaxArgs + 128];
    for (Word i = kFirstProgram; i < count && g_program_count < kMaxPrograms; ++i) {
        Word start = list[4 * i], end = list[4 * i + 1], string = list[4 * i + 2];
        Module& module = g_programs[g_program_count];
        module.size = end - start;
        module.data = map_range(start, module.size);
        if (module.data == nullptr || !copy_string(string, line, sizeof line)) {
            l4::printf("baseos: cannot map module %u (%x..%x)\n", i, start, end);
            continue;
        }
        name_module(line, module);
        ++g_program_count;
    }
    return true;
}

unsigned program_count() { return g_program_count; }
const Module& program(unsigned i) { return g_programs[i]; }

const Module* find_program(const char* name) {
    for (unsigned i = 0; i < g_program_count; ++i)
        if (strcmp(g_programs[i].name, name) == 0) return &g_programs[i];
    return nullptr;
}

bool find_option(const char* key, char* value, size_t size) { return l4::find_option(g_cmdline, key, value, size); }

bool has_flag(const char* word) { return l4::has_word(g_cmdline, word); }

}  // namespace baseos
