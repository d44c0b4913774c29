// pager.h: the OS's pager threads, one per CPU, each pinned there (thesis 5.4.1: the
// non-NUMA OS has one application pager thread per CPU, all in one address space).
//
// A task's thread has as its pager the pager thread of the CPU it runs on; when it
// migrates, its pager changes with it. A pager thread serves page faults (task.h says
// what a fault gets) and the OS protocol (os/protocol.h) for any task: they share all
// the OS's tables under g_os_lock, so which one a message reaches is only a matter of
// locality. A fault the OS cannot serve kills the task; a malformed request gets the
// RPC layer's error reply, and the pager goes on serving.
#pragma once

#include "api/thread_id.h"

namespace baseos {

/// Starts a pager thread on every CPU; false (with a message) if one did not start.
[[nodiscard]] bool start_pagers();
/// The pager thread of processor `cpu`.
[[nodiscard]] api::ThreadId pager_of(unsigned cpu);

/// What the OS's main thread starts tasks with: the Spawn procedure, called at the
/// pager thread of its own CPU, as a program would. The new task's main thread, or nil.
[[nodiscard]] api::ThreadId spawn_program(const char* name, const char* args);
/// Sleeps until no task is alive.
void wait_for_all_tasks();

}  // namespace baseos
