// boot.cc: see boot.h.
#include "boot.h"

#include "modules.h"
#include "pager_image.h"

#include "api/fpage.h"
#include "l4/options.h"
#include "l4/print.h"
#include "l4/sigma0_client.h"
#include "l4/string.h"

namespace rootpager {

namespace {

using numa::kPageSize;

constexpr unsigned kPagerModule = 2;
constexpr unsigned kMaxModules = 1 + numa::System::kMaxModules;

char g_cmdline[1024];
l4::BootModule g_modules[kMaxModules];  // [0] the pager's image, then the programs
bool g_have_pager;
unsigned g_module_count;

/// Maps [physical, physical + size) into the module window; where it is, or null.
const uint8_t* map_range(Word physical, Word size) {
    api::Fpage window = api::Fpage::memory(numa::kModuleWindow, numa::kModuleWindowLog2, api::Rights::None);
    Word first = physical & ~(kPageSize - 1);
    for (Word page = first; page < physical + size || page == first; page += kPageSize) {
        if (page >> numa::kModuleWindowLog2 != first >> numa::kModuleWindowLog2) {
            l4::printf("rootpager: boot-loader memory at %x lies beyond the module window\n", page);
            return nullptr;
        }
        if (l4::sigma0::request(api::Fpage::memory(page, 12, api::Rights::Full), window).is_nil()) return nullptr;
    }
    return reinterpret_cast<const uint8_t*>(numa::module_window_address(physical));
}

void add_module(unsigned index, const l4::BootModule& module) {
    if (index == kPagerModule) {
        g_modules[0] = module;
        g_have_pager = true;
        return;
    }
    if (g_module_count + 1 == kMaxModules) {
        l4::printf("rootpager: more than %u program modules; %s is not used\n", kMaxModules - 1, module.name);
        return;
    }
    g_modules[1 + g_module_count++] = module;
}

}  // namespace

bool read_boot() { return l4::read_multiboot(map_range, g_cmdline, sizeof g_cmdline, kPagerModule, add_module); }

const l4::BootModule* pager_module() { return g_have_pager ? &g_modules[0] : nullptr; }

void record_programs(numa::System& system) {
    system.module_count = g_module_count;
    for (unsigned i = 0; i < g_module_count; ++i) {
        const l4::BootModule& from = g_modules[1 + i];
        numa::ModuleRecord& to = system.modules[i];
        to.address = reinterpret_cast<Word>(from.data);
        to.size = from.size;
        memcpy(to.name, from.name, sizeof to.name);
        memcpy(to.args, from.args, sizeof to.args);
    }
}

bool load_pager_module(const numa::System& system) {
    if (!g_have_pager) {
        l4::printf("rootpager: no application pager (module 2)\n");
        return false;
    }
    const l4::BootModule& m = g_modules[0];
    return load_pager_image(m.data, m.size, m.name, system);
}

bool is_module_page(Word address) {
    Word page = address & ~(kPageSize - 1);
    for (unsigned i = 0; i < 1 + g_module_count; ++i) {
        const l4::BootModule& m = g_modules[i];
        if (i == 0 && !g_have_pager) continue;
        Word start = reinterpret_cast<Word>(m.data) & ~(kPageSize - 1);
        if (page >= start && page < reinterpret_cast<Word>(m.data) + m.size) return true;
    }
    return false;
}

bool find_option(const char* key, char* value, size_t size) { return l4::find_option(g_cmdline, key, value, size); }
bool has_flag(const char* word) { return l4::has_word(g_cmdline, word); }
const char* command_line() { return g_cmdline; }

}  // namespace rootpager
