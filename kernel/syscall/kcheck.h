// kcheck.h: the kernel's invariant checker (kdebug op 0x53; the kernel runs
// it too before it ends a run itself).
//
// It stops every other CPU (each spins in a cross call with interrupts off,
// which it can only take outside a kernel operation or while waiting in one
// for a cross call), then checks the threads and run queues
// (thread/invariants.h) and the mapping database (mm/mapping_audit.h), prints
// a `KCHECK <nonce> violation ...` line for each inconsistency
// (lib/invariant_report.h) and `KCHECK <nonce> done violations=N threads=T
// spaces=S stack_max=B (thread X)` (B: the deepest any kernel stack of a
// living thread ever reached, in bytes, and whose it is), and lets the CPUs
// go. A CPU can stop inside an operation that waits for a cross call, with
// its objects half changed: so the first look only counts, and only what a
// second look finds, a millisecond later after every CPU ran on, is
// reported. The grader fails a run with a violation line, whatever its tests
// said (grader/README.md, "Kernel invariants").
#pragma once

#include <stdint.h>

namespace kcheck {

/// Runs every check; returns the number of violations.
uint32_t check_kernel();

}  // namespace kcheck
