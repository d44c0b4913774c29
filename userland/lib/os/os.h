// os.h: what a program of the base OS (userland/baseos) calls: the OS protocol
// (protocol.h) as plain functions, and the machine's shape from the KIP.
//
// A program starts in os/crt0.S on the stack the OS gave its main thread, fetches its
// argument string, runs main() and passes main's result to exit(). Calls go to the
// calling thread's pager, the OS pager thread of its CPU (docs/baseos.md).
//
//   int main() {
//       os::ThreadId t = os::create_thread(1, worker, 42);   // worker(42) on CPU 1
//       os::migrate_thread(t, 0);
//       return 0;                                             // = os::exit(0)
//   }
#pragma once

#include "api/thread_id.h"
#include "api/word.h"
#include "os/layout.h"
#include "os/protocol.h"

namespace os {

/// Ends the task: the OS deletes all its threads and takes back its memory.
[[noreturn]] void exit(int code);

/// Starts fn(arg) in a new thread of this task on CPU `cpu`, on the next free stack
/// slot (layout.h). Returns its global id, nil if the OS refused (no such CPU, no slot).
/// A thread whose function returns sleeps for ever; exit() ends it with the task.
ThreadId create_thread(unsigned cpu, void (*fn)(Word), Word arg);

/// Moves `thread` (of this task; may be the caller) to CPU `cpu`; false if refused.
bool migrate_thread(ThreadId thread, unsigned cpu);

/// Starts module `module` (its file name without directories and ".elf") as a new task
/// with argument string `args`; returns its main thread, nil if refused.
ThreadId spawn(const char* module, const char* args);

/// Makes [start, start + bytes) node-local (protocol.h): on the NUMA OS each node's
/// space gets its own pages there. The range must be page-aligned, in the heap or the
/// stack area, and not touched yet. True when the OS accepted it.
bool make_local(Word start, Word bytes);

/// Unmaps `pages` pages from `start` from every thread of the task, or makes them
/// read-only (protocol.h says what each `how` does). True when the OS did it; *status
/// (if given) then says which pages were held, referenced and dirty.
bool unmap(Word start, Word pages, UnmapHow how, UnmapStatus* status = nullptr);

/// Page faults served and pages held so far (zeros if the OS did not answer).
TaskInfo task_info();

/// The task's argument string (the words after the module's file name), "" if none.
const char* args();

/// The value of `key=value` in args() copied to `value` (NUL-terminated); false if absent.
bool arg_value(const char* key, char* value, unsigned size);

/// Processors, NUMA nodes and the node of a processor, from the KIP (kip_descriptors.h;
/// one node when the KIP has no node words).
unsigned cpu_count();
unsigned node_count();
unsigned node_of_cpu(unsigned cpu);

/// The heap a malloc may use: [heap_start(), kHeapEnd) (layout.h).
Word heap_start();

}  // namespace os
