// cycles.h: the time-stamp counter. Under QEMU with `-icount shift=0` (make bench
// ICOUNT=1) it advances by one per guest instruction of every CPU, so a difference of
// two readings counts the instructions the machine ran in between (docs/benchmarks.md).
#pragma once

#include <stdint.h>

namespace l4 {

[[nodiscard]] inline uint64_t read_cycles() {
    uint32_t low, high;
    asm volatile("rdtsc" : "=a"(low), "=d"(high));
    return (uint64_t{high} << 32) | low;
}

}  // namespace l4
