// boot_options.cc: see boot_options.h.
#include "platform/boot_options.h"

#include <stdint.h>

namespace platform {
namespace {

BootOptions g_options;

bool word_equals(const char* word, size_t len, const char* literal) {
    size_t i = 0;
    for (; i < len; ++i)
        if (literal[i] != word[i]) return false;
    return literal[i] == '\0';
}

bool word_starts_with(const char* word, size_t len, const char* prefix, size_t* prefix_len) {
    size_t i = 0;
    for (; prefix[i] != '\0'; ++i)
        if (i >= len || word[i] != prefix[i]) return false;
    *prefix_len = i;
    return true;
}

void copy_value(char* dst, size_t size, const char* src, size_t len) {
    size_t n = len < size - 1 ? len : size - 1;
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
    dst[n] = '\0';
}

void append_unknown(BootOptions& out, const char* word, size_t len) {
    size_t used = 0;
    while (out.unknown[used] != '\0') ++used;
    if (used != 0 && used + 1 < sizeof(out.unknown)) out.unknown[used++] = ' ';
    copy_value(out.unknown + used, sizeof(out.unknown) - used, word, len);
}

bool looks_like_path(const char* word, size_t len) {
    for (size_t i = 0; i < len; ++i)
        if (word[i] == '/') return true;
    return len >= 4 && word_equals(word + len - 4, 4, ".elf");
}

void parse_word(const char* word, size_t len, BootOptions& out) {
    size_t prefix = 0;
    if (word_equals(word, len, "exit")) out.exit_when_done = true;
    else if (word_equals(word, len, "acpidump")) out.acpi_dump = true;
    else if (word_equals(word, len, "smp=off")) out.smp = false;
    else if (word_equals(word, len, "replicate=off")) out.replicate_code = false;
    else if (word_equals(word, len, "tcb_migration=off")) out.migrate_tcbs = false;
    else if (word_equals(word, len, "fastpath=off")) out.ipc_fast_path = false;
    else if (word_equals(word, len, "sysenter=off")) out.sysenter = false;
    else if (word_equals(word, len, "kcheck=plant")) out.plant_inconsistency = true;
    else if (word_equals(word, len, "kcheck=plant-tcb")) out.plant_tcb_off_node = true;
    else if (word_equals(word, len, "kcheck=plant-stack")) out.plant_deep_stack = true;
    else if (word_equals(word, len, "numa=off")) out.numa = acpi::NumaMode::Off;
    else if (word_starts_with(word, len, "numa=fake:", &prefix)) {
        unsigned n = 0;
        bool digits = prefix < len;
        for (size_t i = prefix; i < len; ++i) {
            if (word[i] < '0' || word[i] > '9' || n > 1000) digits = false;
            else n = n * 10 + unsigned(word[i] - '0');
        }
        if (digits && n >= 1) {
            out.numa = acpi::NumaMode::Fake;
            out.fake_nodes = n;
        } else {
            append_unknown(out, word, len);
        }
    } else if (word_starts_with(word, len, "kmem=", &prefix)) {
        // A number with an optional K or M suffix; at most 1 GiB.
        uint64_t n = 0;
        size_t i = prefix;
        for (; i < len && word[i] >= '0' && word[i] <= '9' && n <= (1u << 30); ++i) n = n * 10 + uint64_t(word[i] - '0');
        uint64_t unit = 1;
        if (i < len && (word[i] == 'K' || word[i] == 'k')) unit = 1024, ++i;
        else if (i < len && (word[i] == 'M' || word[i] == 'm')) unit = 1024 * 1024, ++i;
        if (i == len && i > prefix && n != 0 && n * unit <= (uint64_t(1) << 30)) out.kmem_pool_bytes = n * unit;
        else append_unknown(out, word, len);
    } else if (word_starts_with(word, len, "test=", &prefix)) {
        copy_value(out.tests, sizeof(out.tests), word + prefix, len - prefix);
        out.tests_cut = len - prefix >= sizeof(out.tests);
    } else if (word_starts_with(word, len, "nonce=", &prefix)) {
        copy_value(out.nonce, sizeof(out.nonce), word + prefix, len - prefix);
    } else {
        append_unknown(out, word, len);
    }
}

}  // namespace

void parse_boot_options(const char* cmdline, BootOptions& out) {
    out = BootOptions{};
    if (cmdline == nullptr) return;
    bool first = true;
    const char* p = cmdline;
    while (*p != '\0') {
        while (*p == ' ' || *p == '\t') ++p;
        if (*p == '\0') break;
        const char* word = p;
        while (*p != '\0' && *p != ' ' && *p != '\t') ++p;
        size_t len = size_t(p - word);
        if (!(first && looks_like_path(word, len))) parse_word(word, len, out);
        first = false;
    }
}

const BootOptions& boot_options() { return g_options; }

void init_boot_options(const char* cmdline) { parse_boot_options(cmdline, g_options); }

}  // namespace platform
