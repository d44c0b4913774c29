// rpc_test.cc: the RPC layer's wire format (userland/lib/l4/rpc_wire.h): how typed
// arguments become message words and back, and which word counts are refused.
//
// Every value goes through pack() into an array of words and comes back through
// unpack(); the words in between are checked too, because a server written in another
// language (or an older client) sees only them.
#include <catch2/catch.hpp>

#include <cstring>

#include "api/fpage.h"
#include "api/thread_id.h"
#include "l4/rpc_wire.h"

namespace {

using api::ThreadId;
using api::Word;
namespace rpc = l4::rpc;

struct Five {
    uint8_t bytes[5];
};
struct Six {
    uint16_t a, b, c;
};
struct Pair {
    Word first;
    ThreadId second;
};

static_assert(sizeof(Five) == 5 && sizeof(Six) == 6);
static_assert(rpc::kWordsOf<Word> == 1);
static_assert(rpc::kWordsOf<ThreadId> == 1);
static_assert(rpc::kWordsOf<uint8_t> == 1);
static_assert(rpc::kWordsOf<Five> == 2);
static_assert(rpc::kWordsOf<Six> == 2);
static_assert(rpc::kWordsOf<Pair> == 2);
static_assert(rpc::kWordsOf<uint64_t> == 2);
static_assert(rpc::kWordsOf<rpc::Void> == 0);
static_assert(rpc::kWordsOfAll<> == 0);
static_assert(rpc::kWordsOfAll<Word, Five, uint8_t, rpc::Void> == 4);

using Add = rpc::Proc<0x0201, Word(Word, Word)>;
using Lookup = rpc::Proc<0x0202, Pair(ThreadId, Five, Six)>;
using Ping = rpc::Proc<0x0203, rpc::Void()>;
using Notify = rpc::Proc<0x0204, rpc::Void(uint64_t)>;

static_assert(Add::kLabel == 0x0201 && Add::kRequestWords == 2 && Add::kReplyWords == 1);
static_assert(Lookup::kRequestWords == 5 && Lookup::kReplyWords == 2);
static_assert(Ping::kRequestWords == 0 && Ping::kReplyWords == 0);
static_assert(Notify::kRequestWords == 2 && Notify::kReplyWords == 0);

/// Fills words with a pattern, so words pack() does not write show up.
template <unsigned N>
void poison(Word (&words)[N]) {
    for (unsigned i = 0; i < N; ++i) words[i] = 0xDEAD0000 + i;
}

}  // namespace

TEST_CASE("rpc wire: words and thread ids are one word each, in order", "[rpc]") {
    Word words[8];
    poison(words);
    const ThreadId id = ThreadId::global(0x40, 2);
    CHECK(rpc::pack(words, Word{7}, id, Word{0xFFFFFFFF}) == 3);
    CHECK(words[0] == 7);
    CHECK(words[1] == id.raw());
    CHECK(words[2] == 0xFFFFFFFF);
    CHECK(words[3] == 0xDEAD0003);  // nothing past the arguments

    Word a = 0, c = 0;
    ThreadId b = ThreadId::nil();
    REQUIRE(rpc::unpack(words, 3, a, b, c));
    CHECK(a == 7);
    CHECK(b == id);
    CHECK(c == 0xFFFFFFFF);
}

TEST_CASE("rpc wire: odd-sized structs round up to whole words", "[rpc]") {
    Word words[8];
    poison(words);
    const Five five = {{1, 2, 3, 4, 5}};
    const Six six = {0x1111, 0x2222, 0x3333};
    CHECK(rpc::pack(words, five, Word{9}, six) == 5);
    // Little-endian bytes, the rest of the last word zero (not the caller's garbage).
    CHECK(words[0] == 0x04030201);
    CHECK(words[1] == 0x00000005);
    CHECK(words[2] == 9);
    CHECK(words[3] == 0x22221111);
    CHECK(words[4] == 0x00003333);
    CHECK(words[5] == 0xDEAD0005);

    Five five_back{};
    Six six_back{};
    Word nine = 0;
    REQUIRE(rpc::unpack(words, 5, five_back, nine, six_back));
    CHECK(std::memcmp(&five_back, &five, sizeof five) == 0);
    CHECK(nine == 9);
    CHECK(six_back.a == 0x1111);
    CHECK(six_back.b == 0x2222);
    CHECK(six_back.c == 0x3333);
}

TEST_CASE("rpc wire: small and wide scalars, and a 63-word argument", "[rpc]") {
    Word words[rpc::kMaxWords];
    const uint8_t byte = 0xAB;
    const uint64_t wide = 0x0123456789ABCDEFull;
    CHECK(rpc::pack(words, byte, wide) == 3);
    CHECK(words[0] == 0xAB);
    CHECK(words[1] == 0x89ABCDEF);
    CHECK(words[2] == 0x01234567);
    uint8_t byte_back = 0;
    uint64_t wide_back = 0;
    REQUIRE(rpc::unpack(words, 3, byte_back, wide_back));
    CHECK(byte_back == byte);
    CHECK(wide_back == wide);

    struct Full {
        Word w[rpc::kMaxWords];
    };
    Full full{}, back{};
    for (unsigned i = 0; i < rpc::kMaxWords; ++i) full.w[i] = i * 3 + 1;
    CHECK(rpc::pack(words, full) == rpc::kMaxWords);
    REQUIRE(rpc::unpack(words, rpc::kMaxWords, back));
    CHECK(std::memcmp(&full, &back, sizeof full) == 0);
}

TEST_CASE("rpc wire: a wrong word count is refused", "[rpc]") {
    Word words[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    Word a = 0, b = 0;
    CHECK_FALSE(rpc::unpack(words, 0, a, b));
    CHECK_FALSE(rpc::unpack(words, 1, a, b));
    CHECK_FALSE(rpc::unpack(words, 3, a, b));
    CHECK_FALSE(rpc::unpack(words, 63, a, b));
    CHECK_FALSE(rpc::unpack(words, ~0u, a, b));
    CHECK(a == 0);  // nothing is read when the count is wrong
    CHECK(b == 0);

    Five five{};
    CHECK_FALSE(rpc::unpack(words, 1, five));  // 5 bytes take 2 words, not 1
    CHECK(rpc::unpack(words, 2, five));
    CHECK(rpc::unpack(words, 0));  // no arguments: exactly no words
    CHECK_FALSE(rpc::unpack(words, 1));
}

TEST_CASE("rpc wire: Proc::encode packs a procedure's arguments", "[rpc]") {
    Word words[8];
    poison(words);
    CHECK(Add::encode(words, 2, 3) == Add::kRequestWords);
    CHECK(words[0] == 2);
    CHECK(words[1] == 3);

    poison(words);
    const ThreadId id = ThreadId::global(0x123, 1);
    CHECK(Lookup::encode(words, id, Five{{9, 8, 7, 6, 5}}, Six{1, 2, 3}) == Lookup::kRequestWords);
    CHECK(words[0] == id.raw());
    CHECK(words[1] == 0x06070809);
    CHECK(words[2] == 0x00000005);
    CHECK(words[3] == 0x00020001);
    CHECK(words[4] == 0x00000003);
    CHECK(words[5] == 0xDEAD0005);
    ThreadId id_back = ThreadId::nil();
    Five five{};
    Six six{};
    REQUIRE(rpc::unpack(words, Lookup::kRequestWords, id_back, five, six));
    CHECK(id_back == id);
    CHECK(five.bytes[4] == 5);
    CHECK(six.c == 3);

    poison(words);
    CHECK(Ping::encode(words) == 0);
    CHECK(words[0] == 0xDEAD0000);
    CHECK(Notify::encode(words, 0x1122334455667788ull) == 2);
    CHECK(words[0] == 0x55667788);
    CHECK(words[1] == 0x11223344);
}

TEST_CASE("rpc wire: results, including Void and fpages", "[rpc]") {
    Word words[4];
    poison(words);
    CHECK(rpc::pack(words, rpc::Void{}) == 0);
    CHECK(words[0] == 0xDEAD0000);
    rpc::Void nothing;
    CHECK(rpc::unpack(words, 0, nothing));
    CHECK_FALSE(rpc::unpack(words, 1, nothing));

    const api::Fpage page = api::Fpage::memory(0x40000000, 12, api::Rights::Full);
    CHECK(rpc::pack(words, page) == 1);
    CHECK(words[0] == page.raw());
    api::Fpage back = api::Fpage::nil();
    REQUIRE(rpc::unpack(words, 1, back));
    CHECK(back == page);

    const Pair pair = {42, ThreadId::global(7, 1)};
    CHECK(rpc::pack(words, pair) == Lookup::kReplyWords);
    Pair pair_back{};
    REQUIRE(rpc::unpack(words, Lookup::kReplyWords, pair_back));
    CHECK(pair_back.first == 42);
    CHECK(pair_back.second == pair.second);
}

TEST_CASE("rpc wire: a bool from a hostile peer reads as true or false", "[rpc]") {
    // Any word may arrive where a bool is expected; it must not become an invalid bool.
    const Word words[1] = {2};
    bool flag = false;
    REQUIRE(rpc::unpack(words, 1, flag));
    CHECK(flag);
    const Word zero[1] = {0x100};  // the low byte is what a byte copy would see
    REQUIRE(rpc::unpack(zero, 1, flag));
    CHECK(flag);
}
