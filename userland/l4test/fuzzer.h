// fuzzer.h: random system calls from a thread in a non-privileged space.
//
// Each call picks one of the eleven system calls and fills its arguments with random
// words, thread ids (nil, any, anylocal, random, itself) and fpages. What it must not
// hit is filtered out, so the fuzzer survives to be checked:
//  - no thread id names a root-task or sigma0 thread: global ids with a thread number
//    near the user base are moved far above it;
//  - ExchangeRegisters on itself may only read, or set its user-defined handle (not
//    SP, IP, flags, pager or the halt flag);
//  - Ipc and Lipc timeouts are zero or at most about a millisecond, so no call blocks.
// Everything else (Unmap of its own pages included: the pager maps them back) is fair.
#pragma once

#include "api/word.h"

namespace l4test {

/// Makes `calls` random system calls; returns how many were made.
api::Word fuzz_system_calls(api::Word calls, api::Word seed);

}  // namespace l4test
