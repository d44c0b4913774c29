// workers.h: the root pager's worker threads, one per CPU (thesis 4.2.1 and 4.2.2).
//
// Worker c runs on CPU c. It creates application pager c (pagers.h), answers its start-up
// call and its page faults, and is the system-call server of CPU c: it performs the
// privileged system calls the application pagers ask for (numa/root_protocol.h), on CPU
// c, so that a space it creates has CPU c's node as its home node.
#pragma once

#include "numa/system.h"

namespace rootpager {

/// Starts a worker on every CPU; each creates its CPU's pager. False (with a message)
/// if a worker did not start.
[[nodiscard]] bool start_workers(numa::System& system);

/// Waits until every pager has called ready(), at most `limit_ms`; false (with a message
/// naming the missing ones) if some did not.
[[nodiscard]] bool wait_for_pagers(const numa::System& system, unsigned limit_ms);

}  // namespace rootpager
