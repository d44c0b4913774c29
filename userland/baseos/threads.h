// threads.h: thread ids, and the OS's own threads.
//
// The OS names every thread it creates, its own and its tasks': a global id (number,
// version) whose number is free. A number is used again after its thread is deleted,
// with the next version, so a stale id of a dead thread never names the new one.
// Numbers from UserBase + 16 up to the KIP's limit (ThreadInfo) are the OS's.
//
// OS threads (the pager threads, pager.h) run in the OS's own space: ThreadControl with
// the main thread's space, a UTCB in the main thread's UTCB area, a static stack; then
// Schedule pins each to its CPU and ExchangeRegisters starts it (as L4_Start does).
#pragma once

#include "api/thread_id.h"
#include "api/word.h"

namespace baseos {

using api::ThreadId;
using api::Word;

/// A global id whose number nobody uses (nil when all are taken). Frees with free_thread_id_locked.
[[nodiscard]] ThreadId new_thread_id_locked();
void free_thread_id_locked(ThreadId id);

/// Records the calling thread as the OS's main thread; main() calls it first.
void remember_main_thread();
[[nodiscard]] ThreadId main_thread();

/// Starts function(arg) in a new OS thread on processor `cpu`; nil if a system call failed.
[[nodiscard]] ThreadId start_os_thread(unsigned cpu, void (*function)(Word), Word arg);

}  // namespace baseos
