// migrate_tests.h: the root pager's tests of Lab 7, thread migration across nodes
// (thesis 4.2.4). They run numaprobe's migrate modes (userland/apps/numaprobe/
// migrate_modes.h) and read from the kernel where each thread's space, UTCB and TCB
// are, and how many spaces, threads and pool frames exist. tests.cc's table runs them.
#pragma once

namespace rootpager {

/// Every thread moves to another node and back 100 times at once, then away once more:
/// its results, UTCB and stack survive; its space, UTCB, TCB and new pages are on the
/// new node; no dummy thread or space is left; another task's thread and a CPU that
/// does not exist are refused (mode migrate).
[[nodiscard]] bool migrate_threads();
/// Every thread leaves every node but one, the master node too, and comes back: the
/// spaces go and come, the left nodes' tables go back to their pools, and every global
/// page keeps its contents (mode leave).
[[nodiscard]] bool migrate_last_thread();
/// The base OS's own thread test program (ostest mode=threads: a thread on every CPU,
/// each moved to the next CPU, the main thread to the last CPU and back), on the NUMA OS.
[[nodiscard]] bool migrate_ostest();

}  // namespace rootpager
