// barrier.h: a barrier in global memory for the threads of one task (unmapbench).
//
// One counter counts every arrival, for ever: a party's n-th wait returns once n times
// `parties` arrivals have happened. The counter is never reset, so a fast thread that
// arrives for its next wait before a slow one has left the last cannot confuse it; each
// party counts its own waits and passes the number in.
//
// A waiter sleeps a millisecond between looks instead of spinning: while the main
// thread of unmapbench measures, the others wait here, and under `-icount` the
// time-stamp counter counts the instructions of every CPU, a spinning waiter's too.
#pragma once

#include "api/word.h"
#include "l4/ipc.h"
#include "l4/message.h"

namespace unmapbench {

using api::Word;

class Barrier {
public:
    /// Up to kLimitMs of sleeping in one wait; then the wait fails.
    static constexpr unsigned kLimitMs = 60000;

    /// Set before any party waits.
    void init(unsigned parties) { m_parties = parties; }

    /// The caller's wait number `pass` (1, 2, ...): returns once every party made its
    /// pass-th arrival; false if that took more than kLimitMs.
    [[nodiscard]] bool wait(Word pass) {
        __atomic_add_fetch(&m_arrivals, 1, __ATOMIC_ACQ_REL);
        for (unsigned ms = 0; __atomic_load_n(&m_arrivals, __ATOMIC_ACQUIRE) < pass * m_parties; ++ms) {
            if (ms == kLimitMs) return false;
            l4::sleep(l4::milliseconds(1));
        }
        return true;
    }

private:
    unsigned m_parties = 1;
    Word m_arrivals = 0;
};

}  // namespace unmapbench
