// protocol.h: the base OS protocol between programs (userland/lib/os/os.cc) and the OS's
// pager threads (userland/baseos/pager.cc), as typed RPCs (l4/rpc.h).
//
// A program calls its own pager, the OS pager thread of the CPU it runs on; every
// pager thread serves every procedure for every task. The OS finds the calling task
// from the sender's thread id, so no procedure names its task. Errors: a malformed
// request gets the RPC layer's Malformed or UnknownProc reply; a request the OS cannot
// or will not do (no such module, CPU or thread, out of memory) gets Refused.
//
//   label   procedure                               result
//   0x0B01  exit(code)                              none: the task is gone
//   0x0B02  create_thread(cpu, ip, sp)              the new thread's global id
//   0x0B03  migrate_thread(thread, cpu)             1
//   0x0B04  spawn(SpawnRequest)                     the new task's main thread (global id)
//   0x0B05  task_info()                             TaskInfo
//   0x0B06  args()                                  ArgsText: the task's argument string
//   0x0B07  make_local(start, bytes)                1: [start, start + bytes) is local
//   0x0B08  unmap(start, pages, how)                UnmapStatus
//
// make_local (thesis 4.2.1) marks a page-aligned range of the heap or the stack area as
// node-local: on the NUMA OS each node's space gets its own, private pages there (from
// its own node, never entered into the task's master table), so threads on different
// nodes see different memory at the same address. When the task's last thread leaves a
// node (migrate_thread), that node's pages of the range go with its space: a thread that
// comes back to the node reads new zero pages there. It is refused (Refused) for a range
// that is not page-aligned, not in the heap or the stacks, or already touched, and when
// the task has no room for another range. The base OS has one space and one node: it
// checks the range the same way and accepts it, and every page stays shared.
//
// unmap (thesis 3.2.3, 4.2.1, 5.4.2) acts on `pages` pages from `start` (page-aligned, at
// most kMaxUnmapPages, all in the heap or the stack area, none in a make_local range),
// for every thread of the task on every node, before it answers:
//   how = Unmap     the pages the task holds there are taken away: their contents are
//                   gone, and the next touch gets a new zero-filled page;
//   how = ReadOnly  they stay, read-only: a thread's next write to one faults, and the
//                   OS gives write access back to that page (a pager tracks writes so).
// The answer says, for each page of the range, whether the task held it and whether
// any thread of the task read (referenced) or wrote (dirty) it since it was mapped or
// since the last unmap that covered it, on any node. Out-of-range requests get Refused.
#pragma once

#include "api/thread_id.h"
#include "api/word.h"
#include "l4/rpc.h"

namespace os {

using api::ThreadId;
using api::Word;

/// The longest module name and argument string the protocol carries (without NUL).
inline constexpr unsigned kMaxModuleName = 31;
inline constexpr unsigned kMaxArgs = 200;

struct SpawnRequest {
    char module[kMaxModuleName + 1];
    char args[kMaxArgs + 1];
};

struct ArgsText {
    char text[kMaxArgs + 1];
};

enum class UnmapHow : Word { Unmap = 0, ReadOnly = 1 };
inline constexpr unsigned kMaxUnmapPages = 128;
inline constexpr unsigned kUnmapMaskWords = kMaxUnmapPages / 32;

/// unmap's answer: bit i of each mask is about page start + i * kPageSize.
struct UnmapStatus {
    Word held[kUnmapMaskWords];        ///< the task held the page (it is unmapped or read-only now)
    Word referenced[kUnmapMaskWords];  ///< read or written since mapped or since the last unmap
    Word dirty[kUnmapMaskWords];       ///< written since then
};

/// Bit `page` of an UnmapStatus mask.
[[nodiscard]] inline bool page_bit(const Word (&mask)[kUnmapMaskWords], unsigned page) {
    return (mask[page / 32] >> (page % 32) & 1) != 0;
}
inline void set_page_bit(Word (&mask)[kUnmapMaskWords], unsigned page) { mask[page / 32] |= Word{1} << (page % 32); }

struct TaskInfo {
    Word page_faults;  ///< page faults the OS served for this task so far
    Word pages;        ///< pages of memory the task holds now
};

namespace proto {
using l4::rpc::Void;
using Exit = l4::rpc::Proc<0x0B01, Void(Word code)>;
using CreateThread = l4::rpc::Proc<0x0B02, ThreadId(Word cpu, Word ip, Word sp)>;
using MigrateThread = l4::rpc::Proc<0x0B03, Word(ThreadId thread, Word cpu)>;
using Spawn = l4::rpc::Proc<0x0B04, ThreadId(SpawnRequest request)>;
using GetTaskInfo = l4::rpc::Proc<0x0B05, TaskInfo()>;
using GetArgs = l4::rpc::Proc<0x0B06, ArgsText()>;
using MakeLocal = l4::rpc::Proc<0x0B07, Word(Word start, Word bytes)>;
using Unmap = l4::rpc::Proc<0x0B08, UnmapStatus(Word start, Word pages, UnmapHow how)>;
}  // namespace proto

}  // namespace os
