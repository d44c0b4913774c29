// faults.h: what happens when a user thread faults: page faults and IO faults
// become IPC to the thread's pager, other CPU exceptions become exception IPC
// to its exception handler (L4 X.2), and a thread nobody can help is stopped
// with a diagnostic on the console. The kernel itself never stops for it.
//
// Each function is called for the running thread, from its trap, and returns
// true when the thread may go back to user mode (the fault was handled),
// false when it was stopped (it is then Halted, and the caller just leaves
// the kernel: the scheduler runs another thread).
#pragma once

#include <stdint.h>

#include "api/rights.h"
#include "api/word.h"

namespace ipc {

/// Page fault at `address` (access: r, w or x) with the thread at `ip`.
bool page_fault(uintptr_t address, uintptr_t ip, api::Rights access);

/// An IN/OUT to a port the thread may not use: IO-fault IPC for the IO fpage
/// (port, 2^log2_size ports) to the pager.
bool io_fault(uint32_t port, unsigned log2_size, uintptr_t ip);

/// A CPU exception: `words` are the 12 exception-IPC words (arch order,
/// MR1..MR12); on return they hold the registers the handler's reply gave,
/// when `*changed` says so.
bool exception(api::Word words[12], bool* changed);

/// Stops the running thread for good (until ExchangeRegisters resumes it),
/// printing `what` and where.
void halt_current(const char* what, uintptr_t ip);

}  // namespace ipc
