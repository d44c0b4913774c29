// prng.h: xorshift32 (Marsaglia 2003), the fuzzers' random numbers (l4test's system-call
// and sigma0 fuzzers, ostest's mode=fuzz). A fuzzer prints its seed, so that a failing
// run can be repeated with the same numbers.
#pragma once

#include "api/word.h"

namespace l4 {

class Prng {
public:
    explicit Prng(api::Word seed) : m_state(seed != 0 ? seed : 0x9E3779B9) {}

    api::Word next() {
        m_state ^= m_state << 13;
        m_state ^= m_state >> 17;
        m_state ^= m_state << 5;
        return m_state;
    }
    /// 0 .. bound - 1 (bound > 0).
    api::Word below(api::Word bound) { return next() % bound; }
    bool one_in(api::Word n) { return below(n) == 0; }

private:
    api::Word m_state;
};

/// A seed from a string (FNV-1a).
[[nodiscard]] inline api::Word seed_from(const char* text) {
    api::Word hash = 2166136261u;
    for (; *text != '\0'; ++text) hash = (hash ^ static_cast<unsigned char>(*text)) * 16777619u;
    return hash;
}

}  // namespace l4
