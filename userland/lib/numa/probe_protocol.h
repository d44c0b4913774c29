// probe_protocol.h: the message between numaprobe (userland/apps/numaprobe), a program
// the root pager's Lab 5 tests start, and the test thread that inspects it
// (userland/rootpager/sync_tests.cc), as a typed RPC (l4/rpc.h).
//
// The probe runs one thread per CPU, so the task has a space on every node. At each
// inspection point its threads wait at a barrier and its main thread calls the test
// thread (named by the probe's `inspect=` argument) with a report: which pages it
// touched and which threads touched them. While the threads wait, the test reads from
// the kernel which frame each thread's space maps there (kdebug physical_in_space) and
// on which node that space lives (space_home_node); then it answers go on or stop.
//
//   label   procedure                               result
//   0x0D10  inspect(ProbeReport)                    1: go on, 0: stop
//
//   phase   what the probe reports
//   0       it gives up before its next phase: `failures` holds its exit code (a
//           ProbeExit), and the test may say why; it exits after the answer
//   1, 2    its mode's inspection points (numaprobe/main.cc describes each mode)
//
// Page p of a report is the page at base + p * 4096. In mode first_touch threads[i]
// touched pages [i * pages / thread_count, (i + 1) * pages / thread_count); in the other
// modes every thread touched every page. `failures` counts the value checks the probe
// itself saw fail: a thread that did not read what the memory model says it must.
#pragma once

#include "api/thread_id.h"
#include "api/word.h"
#include "l4/rpc.h"

namespace numa {

using api::ThreadId;
using api::Word;

inline constexpr unsigned kProbeMaxThreads = 16;

struct ProbeReport {
    Word phase;
    Word base;          ///< the first page the phase is about
    Word pages;
    Word thread_count;  ///< threads[0 .. thread_count - 1] are valid
    ThreadId threads[kProbeMaxThreads];
    Word failures;
};

/// numaprobe's exit codes; the phase-0 report carries them too.
enum class ProbeExit : Word {
    Passed = 0,
    BadArguments = 1,
    NoThread = 2,          ///< os::create_thread refused
    MakeLocalRefused = 3,  ///< os::make_local did not answer 1
    ChecksFailed = 4,      ///< some value check failed (the reports count them)
    Stopped = 5,           ///< the test thread answered 0 (stop)
    NoInspector = 6,       ///< the inspect call failed (no such thread, time-out)
    BarrierTimeout = 7,    ///< a thread did not arrive at a barrier in time
};

namespace probe_proto {
using Inspect = l4::rpc::Proc<0x0D10, Word(ProbeReport report)>;
}  // namespace probe_proto

}  // namespace numa
