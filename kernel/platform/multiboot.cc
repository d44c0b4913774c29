// multiboot.cc: see multiboot.h for the layout being decoded.
#include "platform/multiboot.h"

#include "lib/string.h"

namespace platform {
namespace {

constexpr uint32_t kFlagMemory = 1u << 0;
constexpr uint32_t kFlagCmdline = 1u << 2;
constexpr uint32_t kFlagModules = 1u << 3;
constexpr uint32_t kFlagMemoryMap = 1u << 6;

uint32_t read32(const uint8_t* p) {
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

uint64_t read64(const uint8_t* p) {
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

void copy_string(char* dst, size_t size, uint32_t phys, const void* (*phys_to_virt)(uint64_t, size_t)) {
    dst[0] = '\0';
    if (phys == 0) return;
    const char* s = static_cast<const char*>(phys_to_virt(phys, 1));
    if (s == nullptr) return;
    size_t i = 0;
    for (; i + 1 < size && s[i] != '\0'; ++i) dst[i] = s[i];
    dst[i] = '\0';
}

void note_range(BootInfo& out, uint32_t start, uint32_t length) {
    if (start == 0 || length == 0 || out.num_loader_ranges == sizeof out.loader_ranges / sizeof out.loader_ranges[0])
        return;
    out.loader_ranges[out.num_loader_ranges++] = {start, start + length};
}

// The string at `phys` with its terminating NUL (at most `limit` bytes looked at).
uint32_t string_length(uint32_t phys, const void* (*phys_to_virt)(uint64_t, size_t), uint32_t limit) {
    const char* s = phys == 0 ? nullptr : static_cast<const char*>(phys_to_virt(phys, 1));
    if (s == nullptr) return 0;
    uint32_t n = 0;
    while (n < limit && s[n] != '\0') ++n;
    return n + 1;
}

}  // namespace

bool parse_multiboot(uint32_t info_phys, const void* (*phys_to_virt)(uint64_t, size_t), BootInfo& out,
                     const char** error) {
    memset(&out, 0, sizeof out);
    const auto* info = static_cast<const uint8_t*>(phys_to_virt(info_phys, 52));
    if (info == nullptr) {
        *error = "multiboot information is not addressable";
        return false;
    }
    uint32_t flags = read32(info);
    note_range(out, info_phys, 52);
    if (flags & kFlagCmdline) {
        copy_string(out.cmdline, sizeof out.cmdline, read32(info + 16), phys_to_virt);
        note_range(out, read32(info + 16), string_length(read32(info + 16), phys_to_virt, 4096));
    }

    if (flags & kFlagModules) {
        uint32_t count = read32(info + 20);
        const auto* mods = static_cast<const uint8_t*>(phys_to_virt(read32(info + 24), count * 16));
        note_range(out, read32(info + 24), count * 16);
        for (uint32_t i = 0; mods != nullptr && i < count && out.num_modules < 16; ++i) {
            BootModule& m = out.modules[out.num_modules++];
            m.start = read32(mods + 16 * i);
            m.end = read32(mods + 16 * i + 4);
            copy_string(m.name, sizeof m.name, read32(mods + 16 * i + 8), phys_to_virt);
            note_range(out, read32(mods + 16 * i + 8), string_length(read32(mods + 16 * i + 8), phys_to_virt, 4096));
        }
    }

    if (flags & kFlagMemoryMap) {
        uint32_t length = read32(info + 44);
        const auto* map = static_cast<const uint8_t*>(phys_to_virt(read32(info + 48), length));
        note_range(out, read32(info + 48), length);
        for (uint32_t off = 0; map != nullptr && off + 24 <= length && out.num_memory_entries < 32;) {
            uint32_t size = read32(map + off);
            MemoryMapEntry& e = out.memory[out.num_memory_entries++];
            e.base = read64(map + off + 4);
            e.length = read64(map + off + 12);
            e.type = read32(map + off + 20);
            off += size + 4;
        }
    } else if (flags & kFlagMemory) {
        // No map: the two sizes describe [0, mem_lower KiB) and [1 MiB, 1 MiB + mem_upper KiB).
        out.memory[0] = {0, uint64_t(read32(info + 4)) * 1024, 1};
        out.memory[1] = {0x100000, uint64_t(read32(info + 8)) * 1024, 1};
        out.num_memory_entries = 2;
    }
    if (out.num_memory_entries == 0) {
        *error = "the boot loader gave no memory information";
        return false;
    }
    return true;
}

}  // namespace platform
