// multiboot.cc: see multiboot.h.
#include "l4/multiboot.h"

#include "l4/kip.h"
#include "l4/print.h"
#include "l4/string.h"

namespace l4 {

namespace {

constexpr Word kFlagCmdline = 1 << 2;
constexpr Word kFlagModules = 1 << 3;
constexpr Word kPage = 4096;

/// Copies the NUL-terminated string at `physical` (at most size - 1 characters).
bool copy_string(MapPhysical map, Word physical, char* to, size_t size) {
    size_t n = 0;
    const char* mapped = nullptr;
    Word mapped_end = 0;  // `mapped` shows [.., mapped_end)
    for (; n + 1 < size; ++n) {
        Word at = physical + n;
        if (mapped == nullptr || at >= mapped_end) {
            mapped = reinterpret_cast<const char*>(map(at, 1));
            if (mapped == nullptr) return false;
            mapped -= at;  // mapped + address = where the byte is
            mapped_end = (at & ~(kPage - 1)) + kPage;
        }
        char c = mapped[at];
        if (c == '\0') break;
        to[n] = c;
    }
    to[n] = '\0';
    return true;
}

void name_module(const char* line, BootModule& module) {
    const char* end = line;
    while (*end != '\0' && *end != ' ') ++end;
    const char* base = end;
    while (base > line && base[-1] != '/') --base;
    size_t length = static_cast<size_t>(end - base);
    if (length > 4 && strncmp(end - 4, ".elf", 4) == 0) length -= 4;
    if (length > kMaxModuleName) length = kMaxModuleName;
    memcpy(module.name, base, length);
    module.name[length] = '\0';
    while (*end == ' ') ++end;
    size_t n = 0;
    for (; n < kMaxModuleArgs && end[n] != '\0'; ++n) module.args[n] = end[n];
    module.args[n] = '\0';
}

}  // namespace

bool read_multiboot(MapPhysical map, char* cmdline, size_t cmdline_size, unsigned first, ModuleFound found) {
    cmdline[0] = '\0';
    Word info = l4::kip().boot_info;
    const Word* words = info != 0 ? reinterpret_cast<const Word*>(map(info, 32)) : nullptr;
    if (words == nullptr) {
        l4::printf("multiboot: cannot read the multiboot information (KIP boot_info %x)\n", info);
        return false;
    }
    if ((words[0] & kFlagCmdline) != 0 && !copy_string(map, words[4], cmdline, cmdline_size)) return false;
    if ((words[0] & kFlagModules) == 0) return true;
    Word count = words[5];
    const Word* list = reinterpret_cast<const Word*>(map(words[6], count * 16));
    if (list == nullptr) return false;
    char line[kMaxModuleName + kMaxModuleArgs + 128];
    for (Word i = first; i < count; ++i) {
        Word start = list[4 * i], end = list[4 * i + 1], string = list[4 * i + 2];
        BootModule module{};
        module.physical = start;
        module.size = end - start;
        module.data = map(start, module.size);
        if (module.data == nullptr || !copy_string(map, string, line, sizeof line)) {
            l4::printf("multiboot: cannot map module %u (%x..%x)\n", unsigned(i), start, end);
            continue;
        }
        name_module(line, module);
        found(unsigned(i), module);
    }
    return true;
}

}  // namespace l4
