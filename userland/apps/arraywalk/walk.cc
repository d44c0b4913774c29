// walk.cc: the checked walk (see walk.h).
#include "walk.h"

namespace arraywalk {

namespace {

/// One pass over words [first, first + count) in one direction; false at the first
/// wrong word (its index and value in `w`).
bool pass(Walker& w, bool upward, bool first_touch) {
    volatile uint32_t* words = w.region;
    Word index = upward ? w.first : w.first + w.count - 1;
    const Word step = upward ? 1 : ~Word{0};  // -1 in unsigned arithmetic
    for (Word k = 0; k < w.count; ++k, index += step) {
        uint32_t expected = pattern(index);
        uint32_t value = words[index];
        if (value == expected) continue;
        if (!first_touch || value != 0) {
            w.bad_index = index;
            w.bad_value = value;
            return false;
        }
        words[index] = expected;
    }
    return true;
}

}  // namespace

void walk(Walker& w) {
    uint64_t start = rdtsc();
    bool upward = w.upward_first;
    w.ok = true;
    for (Word i = 1; i <= w.iterations; ++i, upward = !upward) {
        if (!pass(w, upward, i == 1)) {
            w.ok = false;
            w.bad_iteration = i;
            break;
        }
    }
    w.cycles = rdtsc() - start;
}

}  // namespace arraywalk
