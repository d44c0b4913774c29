// format_test.cc: kstd::format_to and LineBuffer (kernel/lib/format.h).
#include <catch2/catch.hpp>

#include <string>

#include "lib/format.h"

namespace {

std::string fmt(const char* f, auto... args) {
    char buf[128];
    size_t n = kstd::format_to(buf, sizeof(buf), f, args...);
    REQUIRE(n == std::string(buf).size());
    return buf;
}

}  // namespace

TEST_CASE("format: integers, widths and padding", "[format]") {
    CHECK(fmt("%d %i %u", -42, 7, 3000000000u) == "-42 7 3000000000");
    CHECK(fmt("[%5d]", 42) == "[   42]");
    CHECK(fmt("[%-5d]", 42) == "[42   ]");
    CHECK(fmt("[%05d]", -42) == "[-0042]");
    CHECK(fmt("[%*d]", 4, 7) == "[   7]");
    CHECK(fmt("[%*d]", -4, 7) == "[7   ]");
    CHECK(fmt("%x %X %o", 0xbeefu, 0xbeefu, 8u) == "beef BEEF 10");
    CHECK(fmt("%08x", 0xabcu) == "00000abc");
}

TEST_CASE("format: 64-bit values", "[format]") {
    CHECK(fmt("%llx", 0x123456789abcdef0ull) == "123456789abcdef0");
    CHECK(fmt("%llu", 18446744073709551615ull) == "18446744073709551615");
    CHECK(fmt("%lld", -9223372036854775807ll - 1) == "-9223372036854775808");
    CHECK(fmt("0x%llx", 0ull) == "0x0");
}

TEST_CASE("format: strings, characters and escapes", "[format]") {
    CHECK(fmt("%s|%.3s|%5s|%-5s|", "abc", "abcdef", "ab", "ab") == "abc|abc|   ab|ab   |");
    CHECK(fmt("%.4s", "RSD PTR ") == "RSD ");
    CHECK(fmt("[%.*s]", 2, "abc") == "[ab]");
    CHECK(fmt("[%.*s]", -1, "abc") == "[abc]");
    CHECK(fmt("%s", static_cast<const char*>(nullptr)) == "(null)");
    CHECK(fmt("%c%c 100%%", 'o', 'k') == "ok 100%");
}

TEST_CASE("format: truncation returns the full length", "[format]") {
    char buf[8];
    CHECK(kstd::format_to(buf, sizeof(buf), "%s", "0123456789") == 10);
    CHECK(std::string(buf) == "0123456");
    CHECK(kstd::format_to(buf, 1, "abc") == 3);
    CHECK(buf[0] == '\0');
    CHECK(kstd::format_to(nullptr, 0, "%d", 12345) == 5);
}

TEST_CASE("format: LineBuffer appends and reports truncation", "[format]") {
    char storage[16];
    kstd::LineBuffer line(storage, sizeof(storage));
    line.append("cpus=");
    for (int cpu = 0; cpu < 3; ++cpu) line.append(cpu == 0 ? "%d" : ",%d", cpu);
    CHECK(std::string(line.c_str()) == "cpus=0,1,2");
    CHECK_FALSE(line.truncated());
    line.append(" mem=0x%x", 0x10000000u);
    CHECK(line.truncated());
    CHECK(line.length() == sizeof(storage) - 1);
    line.clear();
    CHECK(line.length() == 0);
    CHECK(std::string(line.c_str()).empty());
}

TEST_CASE("format: escape_to makes one visible line of any text", "[format]") {
    char out[64];
    CHECK(kstd::escape_to(out, sizeof out, "plain text 123") == 14);
    CHECK(std::string(out) == "plain text 123");
    kstd::escape_to(out, sizeof out, "a\nKTEST n x PASS\r\t\\");
    CHECK(std::string(out) == "a\\nKTEST n x PASS\\r\\t\\\\");
    kstd::escape_to(out, sizeof out, "\x1b[2J\x7f\xc3\xa9");
    CHECK(std::string(out) == "\\x1b[2J\\x7f\\xc3\\xa9");
    // Never half an escape: 6 bytes of room hold "ab" and the NUL, not "ab\x0".
    CHECK(kstd::escape_to(out, 6, "ab\x01") == 2);
    CHECK(std::string(out) == "ab");
    CHECK(kstd::escape_to(out, 1, "abc") == 0);
    CHECK(std::string(out).empty());
}
