// unmap_modes.h: numaprobe's modes for Lab 6, the global unmap (os::unmap; thesis 4.2.1,
// 5.4.2). Each thread i runs on CPU i, so the task has a space on every node; the main
// thread (CPU 0) calls os::unmap while the threads hold still, and the test reads from
// the kernel what every space maps (userland/rootpager/unmap_tests.cc).
//
//   unmap pages=N       every thread writes its word of N heap pages; report 1. The main
//                       thread unmaps them: all N held, referenced and dirty, N fewer
//                       pages held; report 2 (nothing mapped anywhere). Every thread
//                       reads every page: zeros, a new page; report 3
//   status pages=N      page p, by p % 3: 0 untouched; 1 read by thread (p / 3) % T
//                       only; 2 written by that thread, then read by the next one.
//                       Report 1. The main thread unmaps all N and checks the answer:
//                       held and referenced exactly the pages of kinds 1 and 2, dirty
//                       exactly those of kind 2 (each thread's reads and writes count,
//                       on whichever node); report 2 (nothing mapped anywhere)
//   read_only pages=N   every thread writes its word of N pages; report 1. The main
//                       thread makes them read-only: all held and dirty; report 2 (the
//                       same frames, writable nowhere). The threads write again, one
//                       after the other, and check every word; report 3 (the same
//                       frames, writable everywhere)
//   concurrent rounds=R pages=K  the first and the last thread (on two nodes where
//                       there are two), R times and at once: each writes its word of
//                       its K pages, pages [0, K) and [K/2, K/2 + K) (half of them the
//                       other's too), and unmaps them. Every unmap must be done;
//                       report 1 (nothing of the K/2 + K pages mapped anywhere; once
//                       the task ended, every pool holds the frames it held before)
//   hold pages=N        every thread writes its word of N pages; report 1 (where the
//                       test, no pager, asks every pager's unmap worker to unmap them,
//                       and must be refused). Every thread checks every word; report 2
#pragma once

namespace numaprobe {

[[nodiscard]] bool is_unmap_mode(const char* mode);
/// Runs one of the modes above; the exit code (a numa::ProbeExit).
[[nodiscard]] int run_unmap_mode(const char* mode);

}  // namespace numaprobe
