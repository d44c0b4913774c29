// options.cc: key=value words (see options.h).
#include "l4/options.h"

#include "l4/string.h"

namespace l4 {

bool find_option(const char* text, const char* key, char* value, size_t size) {
    size_t key_length = strlen(key);
    for (const char* p = text; *p != '\0';) {
        while (*p == ' ') ++p;
        const char* word = p;
        while (*p != '\0' && *p != ' ') ++p;
        if (static_cast<size_t>(p - word) > key_length && strncmp(word, key, key_length) == 0 &&
            word[key_length] == '=') {
            size_t length = static_cast<size_t>(p - word) - key_length - 1;
            if (length + 1 > size) length = size - 1;
            memcpy(value, word + key_length + 1, length);
            value[length] = '\0';
            return true;
        }
    }
    return false;
}

bool has_word(const char* text, const char* word) {
    size_t length = strlen(word);
    for (const char* p = text; *p != '\0';) {
        while (*p == ' ') ++p;
        const char* start = p;
        while (*p != '\0' && *p != ' ') ++p;
        if (static_cast<size_t>(p - start) == length && strncmp(start, word, length) == 0) return true;
    }
    return false;
}

bool parse_number(const char* text, api::Word* number) {
    bool hex = text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    const char* p = hex ? text + 2 : text;
    if (*p == '\0') return false;
    api::Word value = 0;
    for (; *p != '\0'; ++p) {
        char c = *p;
        unsigned digit;
        if (c >= '0' && c <= '9') digit = unsigned(c - '0');
        else if (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f') digit = unsigned((c | 0x20) - 'a' + 10);
        else return false;
        value = value * (hex ? 16 : 10) + digit;
    }
    *number = value;
    return true;
}

}  // namespace l4
