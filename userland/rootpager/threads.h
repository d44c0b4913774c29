// threads.h: the root pager's own threads and the thread numbers it gives out.
//
// The root pager names its workers and the application pagers from the numbers just
// above the initial threads (UserBase + 16 .. UserBase + kRootNumbers); numbers from
// first_task_number() up are the application pagers' to give their tasks' threads
// (numa::System::first_task_thread).
#pragma once

#include "api/thread_id.h"
#include "api/word.h"

namespace rootpager {

using api::ThreadId;

/// Records the calling thread as the root pager's master thread; main() calls it first.
void remember_main_thread();
[[nodiscard]] ThreadId root_main_thread();

/// A free thread id of the root pager's range; nil when all are taken. Any worker may call it.
[[nodiscard]] ThreadId new_root_thread_id();
/// The first thread number the application pagers may give out.
[[nodiscard]] api::Word first_task_number();

/// Starts function(arg) in a new root-pager thread on processor `cpu`; nil (with a
/// message) if that failed.
[[nodiscard]] ThreadId start_worker(unsigned cpu, void (*function)(api::Word), api::Word arg);

}  // namespace rootpager
