// migrate_modes.h: numaprobe's modes for Lab 7, thread migration across nodes
// (os::migrate_thread; thesis 4.2.4). The threads move themselves; at each report the
// test reads from the kernel where each thread's space, UTCB and TCB are and how many
// spaces and threads exist (userland/rootpager/migrate_tests.cc).
//
//   migrate rounds=R    (started from the last CPU's pager: the main thread stays on
//                       node X, the last CPU's node) every thread i, at once, R times (R
//                       even): moves itself to a CPU of node X and back to CPU i (so the
//                       task leaves every other node and comes back, up to R / 2 times:
//                       spaces made with dummy threads and destroyed, concurrently), and
//                       after each move checks its ProcessorNo, its user-defined handle
//                       (a UTCB word), what it wrote into its own heap page before the
//                       move, and a sum it keeps in registers and on its stack. Then it
//                       moves to away(i) (the first CPU after i on another node; on a
//                       machine of one node, the next CPU) and writes one word of a page
//                       nobody touched yet; report 1 (thread i's space, UTCB and TCB on
//                       away(i)'s node, the new page on that node's pool; pages [0, T)
//                       are the threads' own, [T, 2T) the new ones). Then the main
//                       thread checks refusals: a CPU that does not exist, a thread of no
//                       task, and the main thread of a second task it starts (`numaprobe
//                       mode=idle other=<its own main thread>`, which checks the same the
//                       other way round); a move the OS made is a failed check (exit code)
//   leave pages=N       (started from CPU 0's pager) every thread not on X writes its
//                       word of N heap pages (threads on X touch none of them); report 1.
//                       Every thread and the main thread move to CPUs of X: the task
//                       leaves every other node, the master node too; every thread
//                       checks every word (X's space faults on every page: the master's
//                       table must still know them); report 2 (one space left, on X).
//                       Everybody moves back; every thread checks every word again;
//                       report 3 (a space on every node again)
//   idle ms=M other=T   (the second task of mode migrate) checks that it may not move
//                       thread T, sleeps M ms and exits
#pragma once

namespace numaprobe {

[[nodiscard]] bool is_migrate_mode(const char* mode);
/// Runs one of the modes above; the exit code (a numa::ProbeExit).
[[nodiscard]] int run_migrate_mode(const char* mode);

}  // namespace numaprobe
