// sort.h: putting a benchmark's samples in order, to read its median and extremes
// (ipcbench, pingpong, unmapbench, migratebench).
#pragma once

#include <stdint.h>

namespace l4 {

/// Sorts `values` into ascending order. Insertion sort: a benchmark takes a few
/// thousand samples at most, and this needs no memory besides them.
inline void sort_samples(uint64_t* values, unsigned count) {
    for (unsigned i = 1; i < count; ++i)
        for (unsigned j = i; j > 0 && values[j - 1] > values[j]; --j) {
            uint64_t swap = values[j];
            values[j] = values[j - 1];
            values[j - 1] = swap;
        }
}

}  // namespace l4
