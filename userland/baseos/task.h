// task.h: the tasks of the base OS: one L4 address space each, with its threads, its
// program image and the memory the OS gave it.
//
// The OS's record of a task's memory is a two-level table like the MMU's: a directory
// of 1024 entries, each the frame of a table of 1024 entries, each the frame (frames.h)
// backing one 4 KiB page of the task, with the rights it was mapped with in the low bits:
//
//   directory[va >> 22] --> table[(va >> 12) & 1023] = frame | rights (0: not given)
//
// A page fault at an address the table has (a write after a read, or a second thread)
// maps the same frame again; any other fault allocates a frame and fills it (task_memory.cc).
// The task's unmap request (os/protocol.h) takes frames back or clears their Write
// right in the table; a write to such a heap or stack page gets Write back.
// When the task ends, each frame is unmapped from it and goes back to the pool, and so
// do the tables: nothing of a task is left in the OS, nor in the kernel.
//
// Everything here is guarded by g_os_lock (lock.h).
#pragma once

#include "api/rights.h"
#include "api/thread_id.h"
#include "boot_info.h"
#include "lib/elf.h"
#include "os/layout.h"
#include "os/protocol.h"

namespace baseos {

using api::ThreadId;
using api::Word;

struct Task {
    bool used;
    char name[os::kMaxModuleName + 1];
    char args[os::kMaxArgs + 1];
    const Module* module;
    elf::ElfImage image;
    Word image_end;                      ///< the image's last page end: the heap starts here
    ThreadId threads[os::kMaxThreads];   ///< by UTCB slot; [0] is the main thread
    Word page_faults;                    ///< faults the OS served
    Word pages;                          ///< frames mapped into the task
    Word table_frames;                   ///< frames of its page tables (the OS's own)
    Word directory[1024];
};

/// What the OS remembers of a task that ended.
struct ExitRecord {
    ThreadId main;
    char name[os::kMaxModuleName + 1];
    int code;
    Word page_faults;
    Word pages;
};

/// The code of a task the OS killed (a fault it could not serve).
inline constexpr int kKilled = -1;

/// The task `thread` belongs to, or null.
[[nodiscard]] Task* task_of_locked(ThreadId thread);

/// Makes a task from `module` with argument string `args`: its space, and its main
/// thread waiting for the start message from `pager`. Returns the main thread, or nil
/// and *why. The caller sends the start message: IP start_ip(), SP os::stack_top(0).
[[nodiscard]] ThreadId create_task_locked(const Module& module, const char* args, ThreadId pager, const char** why);
[[nodiscard]] inline Word start_ip(const Task& task) { return task.image.entry; }

/// A new thread of `task` on processor `cpu` with pager `pager`, started at ip and sp;
/// nil if no slot or a system call failed.
[[nodiscard]] ThreadId add_thread_locked(Task& task, unsigned cpu, ThreadId pager, Word ip, Word sp);
/// Is `thread` one of `task`'s threads?
[[nodiscard]] bool owns_thread(const Task& task, ThreadId thread);

/// Ends `task`: deletes its threads (and so its space), takes back its memory and
/// records its exit code.
void destroy_task_locked(Task& task, int code);

/// Serves a page fault of `task` at `address`: finds or makes the frame. False (and
/// *why) if the task touched what it must not; the caller then kills it.
[[nodiscard]] bool resolve_fault_locked(Task& task, Word address, bool write, Word* frame, api::Rights* rights,
                                        const char** why);
/// Whether [start, end) lies in the task's heap [image end, kHeapEnd) or in the stack
/// area (os/layout.h): where make_local and unmap may act, and where pages are writable.
[[nodiscard]] bool in_heap_or_stacks(const Task& task, Word start, Word end);
/// Whether any page of [start, end) (page-aligned, below the UTCB area) has a frame in
/// `task`'s table: it was touched. An untouched 4 MiB region costs one look.
[[nodiscard]] bool any_page_given_locked(const Task& task, Word start, Word end);
/// unmap (os/protocol.h) for `pages` pages from `start`, which the caller checked
/// (page-aligned, 1 to kMaxUnmapPages pages, in_heap_or_stacks): the frames `task`
/// holds there are taken from it and go back to the pool (Unmap), or lose Write
/// (ReadOnly). *status says which pages it held, and which were referenced or written.
void unmap_range_locked(Task& task, Word start, unsigned pages, os::UnmapHow how, os::UnmapStatus* status);
/// Unmaps every frame of `task` from it and gives frames and tables back to the pool.
void reclaim_memory_locked(Task& task);

/// Tasks alive, and frames all tasks hold (pages and tables).
[[nodiscard]] unsigned live_tasks();
[[nodiscard]] Word frames_held_by_tasks();
/// Tasks ended so far, and the record of the i-th (0-based); false if it is no longer
/// kept (the OS keeps the last 32).
[[nodiscard]] unsigned exit_count();
[[nodiscard]] bool exit_record(unsigned i, ExitRecord* record);
/// Tasks that ended with a code other than 0, or were killed, since the OS started.
[[nodiscard]] unsigned failed_task_count();

}  // namespace baseos
