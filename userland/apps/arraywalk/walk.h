// walk.h: one thread's walk over its array (thesis 5.4.1), with every read checked.
//
// The two threads' arrays lie in one region of the task's memory; `overlap` of each
// array (rounded down to whole pages) is the same memory in both:
//
//   region   |<------------------ (2 - overlap) * size ------------------>|
//   thread 0 |<----------- size ----------->|
//   thread 1                  |<----------- size ----------->|
//                             |<- shared -->|
//
// Thread 0 starts at the bottom of its array and walks upwards in 4-byte steps,
// thread 1 starts at the top and walks downwards; after each iteration a thread turns
// round and walks back. Word i of the region (counted from the region's start, so a
// shared word has one index for both threads) must hold pattern(i), which is never 0:
//   - first iteration: the word may still be 0 (a page the pager has just given: it
//     must be zeroed), else it must be pattern(i); 0 is replaced by pattern(i). Both
//     threads write the same value, so the shared part needs no lock;
//   - later iterations: the word must be pattern(i), and is only read.
// A wrong word (a page not zeroed, mapped at the wrong place or to the other thread's
// frame by mistake, lost) stops the walk and is reported.
#pragma once

#include <stdint.h>

#include "api/word.h"

namespace arraywalk {

using api::Word;

/// The value word `index` of the region must hold.
[[nodiscard]] constexpr uint32_t pattern(Word index) { return static_cast<uint32_t>(index) ^ 0xA5000000u; }

/// One walking thread: what it walks (set before it starts) and what it found.
struct Walker {
    volatile uint32_t* region;  ///< word 0 of the whole region
    Word first;                 ///< index of this thread's lowest word
    Word count;                 ///< words in this thread's array
    bool upward_first;          ///< thread 0 starts at the bottom, thread 1 at the top
    Word iterations;

    uint64_t cycles = 0;        ///< time-stamp counter over the whole walk, on the thread's CPU
    Word faults = 0;            ///< the task's page faults during the walk (set by the caller)
    bool ok = false;
    Word bad_iteration = 0;     ///< where the first wrong word was (1-based iteration)
    Word bad_index = 0;
    uint32_t bad_value = 0;
};

/// Walks `w.iterations` times, checking every word; fills in the results.
void walk(Walker& w);

/// The time-stamp counter.
[[nodiscard]] inline uint64_t rdtsc() {
    uint32_t low, high;
    asm volatile("rdtsc" : "=a"(low), "=d"(high));
    return (uint64_t{high} << 32) | low;
}

}  // namespace arraywalk
