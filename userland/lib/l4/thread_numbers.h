// thread_numbers.h: handing out global thread ids (number, version) whose number is free.
//
// A root task names every thread it creates. A number is used again after its thread is
// deleted, with the next version, so a stale id of a dead thread never names the new
// one. The table is plain data: the base OS keeps one under its lock, the NUMA OS keeps
// one in memory that all its pagers share (userland/apppager), each range its own.
//
//   ThreadNumbers numbers;                        // zero-initialised: every number free
//   ThreadId id = numbers.allocate(first, limit); // nil when [first, limit) is used up
//   numbers.release(id);
//
// Not thread-safe: the caller holds the lock that guards the table.
#pragma once

#include <stdint.h>

#include "api/thread_id.h"
#include "api/word.h"

namespace l4 {

class ThreadNumbers {
public:
    static constexpr unsigned kMaxNumbers = 4096;

    /// A global id with a free number in [first, limit) (limit clipped to kMaxNumbers
    /// and to the KIP's thread-number bits); nil if every one is used.
    [[nodiscard]] api::ThreadId allocate(api::Word first, api::Word limit);
    void release(api::ThreadId id);

private:
    bool m_used[kMaxNumbers];
    uint16_t m_version[kMaxNumbers];
};

}  // namespace l4
