// rpc_wire.h: how the RPC layer (rpc.h) lays typed arguments into message
// words, and back. Pure functions over an array of words, so the host tests
// (tests/host/rpc_test.cc) check them without a kernel.
//
// A procedure is a label and a C++ signature:
//
//   using CreateThread = l4::rpc::Proc<0x0101, Word(Word cpu, Word ip, Word sp)>;
//
// Its request message has label 0x0101 and the arguments' words, in order;
// each argument takes sizeof(T) rounded up to whole 4-byte words, copied as
// bytes (so an argument must be trivially copyable: ids, fpages, plain
// structs). Its reply has label kReplyOk and the result's words, or label
// kReplyError and one word: the Status that says what went wrong. The thesis
// generated such stubs with an IDL compiler; here the compiler instantiates
// templates, and a wrong type stops the build with a message that says why.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "api/word.h"

namespace l4::rpc {

using api::Word;

/// Reply labels. Protocol labels (of requests) are the caller's choice, but
/// must not be these, nor the L4 protocol labels (>= 0xFF80).
inline constexpr uint16_t kReplyOk = 0x0000;
inline constexpr uint16_t kReplyError = 0x0FFF;

/// What a call can come back with besides a result.
enum class Status : Word {
    Ok = 0,
    Malformed = 1,    ///< the request's words do not fit the procedure's arguments
    UnknownProc = 2,  ///< the server has no handler for the label
    IpcFailed = 3,    ///< the IPC itself failed (the ErrorCode TCR says why)
    Refused = 4,      ///< the handler refused the request (its own reasons)
    BadReply = 5,     ///< the reply does not fit the procedure's result
};

const char* status_name(Status status);

/// Words a T takes on the wire.
template <typename T>
inline constexpr unsigned kWordsOf = (sizeof(T) + sizeof(Word) - 1) / sizeof(Word);

/// An empty result: a procedure that returns nothing returns Void.
struct Void {};
template <>
inline constexpr unsigned kWordsOf<Void> = 0;

/// Words of all of Ts together.
template <typename... Ts>
inline constexpr unsigned kWordsOfAll = (0u + ... + kWordsOf<Ts>);

/// The most untyped words a message can carry besides MR0.
inline constexpr unsigned kMaxWords = 63;

template <typename T>
constexpr void check_wire_type() {
    static_assert(__is_trivially_copyable(T),
                  "an RPC argument or result must be trivially copyable (ids, fpages, words, plain structs)");
    static_assert(kWordsOf<T> <= kMaxWords, "an RPC argument or result must fit in 63 message registers");
}

/// Copies `value` into words[at..] and advances `at`.
template <typename T>
void put(Word* words, unsigned& at, const T& value) {
    check_wire_type<T>();
    if constexpr (kWordsOf<T> != 0) {
        Word buffer[kWordsOf<T>] = {};
        __builtin_memcpy(buffer, &value, sizeof(T));
        for (unsigned i = 0; i < kWordsOf<T>; ++i) words[at + i] = buffer[i];
    }
    at += kWordsOf<T>;
}

/// Copies words[at..] into `value` and advances `at`. A bool argument is not copied as
/// bytes: a peer may send any word, and a bool byte other than 0 or 1 is undefined
/// behaviour, so any non-zero word reads as true. (A struct with bool members, or an
/// enum without a fixed underlying type, has the same trap: keep them off the wire.)
template <typename T>
void get(const Word* words, unsigned& at, T& value) {
    check_wire_type<T>();
    if constexpr (__is_same(T, bool)) {
        value = words[at] != 0;
    } else if constexpr (kWordsOf<T> != 0) {
        Word buffer[kWordsOf<T>];
        for (unsigned i = 0; i < kWordsOf<T>; ++i) buffer[i] = words[at + i];
        __builtin_memcpy(&value, buffer, sizeof(T));
    }
    at += kWordsOf<T>;
}

/// Packs `args` into words[0..); returns the number of words.
template <typename... Args>
unsigned pack(Word* words, const Args&... args) {
    static_assert(kWordsOfAll<Args...> <= kMaxWords, "the arguments together must fit in 63 message registers");
    unsigned at = 0;
    (put(words, at, args), ...);
    return at;
}

/// Unpacks `count` words into `args`; false (and `args` untouched in part)
/// when `count` is not exactly what the arguments take.
template <typename... Args>
[[nodiscard]] bool unpack(const Word* words, unsigned count, Args&... args) {
    if (count != kWordsOfAll<Args...>) return false;
    unsigned at = 0;
    (get(words, at, args), ...);
    return true;
}

/// A remote procedure: label and signature.
template <uint16_t Label, typename Signature>
struct Proc;

template <uint16_t Label, typename Result, typename... Args>
struct Proc<Label, Result(Args...)> {
    static_assert(Label != kReplyOk && Label != kReplyError && Label < 0xFF80,
                  "an RPC label must not be a reply label or an L4 protocol label");
    static constexpr uint16_t kLabel = Label;
    using ResultType = Result;
    static constexpr unsigned kRequestWords = kWordsOfAll<Args...>;
    static constexpr unsigned kReplyWords = kWordsOf<Result>;
    /// Packs a caller's values, converted to the procedure's argument types.
    static unsigned encode(Word* words, const Args&... args) { return pack(words, args...); }
};

/// A result, or the Status of why there is none.
template <typename T>
class Reply {
public:
    Reply(T value) : m_value(value), m_status(Status::Ok) {}
    Reply(Status status) : m_value{}, m_status(status) {}
    [[nodiscard]] bool ok() const { return m_status == Status::Ok; }
    [[nodiscard]] Status status() const { return m_status; }
    [[nodiscard]] const T& value() const { return m_value; }

private:
    T m_value;
    Status m_status;
};

}  // namespace l4::rpc
