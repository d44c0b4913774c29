// migration.h: what moving a thread to another CPU costs (Schedule's processor
// control), within a node and across nodes. Across nodes the thread's TCB page
// moves with it (Lab 3, kernel/thread/tcb_migrate.h) unless the kernel runs with
// tcb_migration=off; the difference between the two boots is the move's cost.
//
// An echo server (blocked in its receive, as a server usually is) is moved back and
// forth between two CPUs other than the main thread's, so every Schedule is a request
// to the server's CPU and back. Prints, for scripts/bench/run.py:
//   BENCH migrate case=same_node|cross_node moves=N cycles_per_move=MEDIAN min=M
//         mean=A tcb_moves=D cpus=X,Y
//   BENCH skip case=... reason=...
#pragma once

#include "api/word.h"

namespace ipcbench {

/// Measures both cases: `batches` batches of `moves` moves each. Returns how many
/// cases failed.
unsigned measure_migrations(api::Word batches, api::Word moves);

}  // namespace ipcbench
