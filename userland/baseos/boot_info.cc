// boot_info.cc: the multiboot information through sigma0 (see boot_info.h), read by
// l4/multiboot.h into the base OS's physical window (frames.h).
#include "boot_info.h"

#include "frames.h"
#include "l4/options.h"
#include "l4/kip.h"
#include "l4/print.h"
#include "l4/string.h"
#include "l4/multiboot.h"

namespace baseos {

namespace {

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

static_assert(l4::kMaxModuleName == os::kMaxModuleName && l4::kMaxModuleArgs == os::kMaxArgs);

void add_program(unsigned, const l4::BootModule& found) {
    if (g_program_count == kMaxPrograms) {
        l4::printf("baseos: more than %u program modules; %s is not used\n", kMaxPrograms, found.name);
        return;
    }
    Module& module = g_programs[g_program_count++];
    module.data = found.data;
    module.size = found.size;
    memcpy(module.name, found.name, sizeof module.name);
    memcpy(module.args, found.args, sizeof module.args);
}

}  // namespace

bool read_boot_info() {
    return l4::read_multiboot(map_range, g_cmdline, sizeof g_cmdline, kFirstProgram, add_program);
}

unsigned program_count() { return g_program_count; }
const Module& program(unsigned i) { return g_programs[i]; }

const Module* find_program(const char* name) {
    for (unsigned i = 0; i < g_program_count; ++i)
        if (strcmp(g_programs[i].name, name) == 0) return &g_programs[i];
    return nullptr;
}

bool find_option(const char* key, char* value, size_t size) { return l4::find_option(g_cmdline, key, value, size); }

const char* command_line() { return g_cmdline; }

bool has_flag(const char* word) { return l4::has_word(g_cmdline, word); }

}  // namespace baseos
