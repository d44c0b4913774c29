// local_thread.h: starting a thread of the caller's own address space on a given CPU.
//
// A privileged program (a root task: the base OS, the NUMA OS's root pager) starts its
// own worker threads in three steps, as L4_Start does after L4_ThreadControl:
//   1. ThreadControl(id, space = the caller's main thread, scheduler = that thread,
//      pager = the caller's pager, UTCB = the caller's UTCB area + slot * UTCB size);
//   2. Schedule moves it to `cpu` before it ever runs;
//   3. ExchangeRegisters sets SP and IP and clears the halt flag: it starts at
//      function(arg) on `stack`, as if the function had just been called.
// A function that returns puts the thread to sleep for ever.
#pragma once

#include <stddef.h>

#include "api/thread_id.h"
#include "api/word.h"

namespace l4 {

/// Where a thread must start (ExchangeRegisters' IP and SP) to run function(arg) on the
/// `stack_size` bytes at `stack`, and sleep for ever if it returns.
struct ThreadStart {
    api::Word ip;
    api::Word sp;
};
[[nodiscard]] ThreadStart prepare_thread_start(char* stack, size_t stack_size, void (*function)(api::Word),
                                               api::Word arg);

/// Starts `id` (a free global id) as function(arg) on processor `cpu` in the caller's
/// space, using UTCB slot `utcb_slot` (1.. : slot 0 is the main thread's) and the
/// `stack_size` bytes at `stack`. `main` is the space's main thread (the space
/// specifier and scheduler). Returns false (ErrorCode in the UTCB) if a system call
/// failed; `*step` names it.
[[nodiscard]] bool start_local_thread(api::ThreadId id, api::ThreadId main, unsigned cpu, unsigned utcb_slot,
                                      char* stack, size_t stack_size, void (*function)(api::Word), api::Word arg,
                                      const char** step);

}  // namespace l4
