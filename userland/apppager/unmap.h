// unmap.h: each pager's unmap worker, the second thread of its space, which unmaps frames
// on other pagers' request (numa/pager_protocol.h); promotion.cc uses it through
// unmap_from_node() (memory.h).
#pragma once

#include "api/thread_id.h"
#include "l4/rpc.h"

namespace apppager {

/// Asks the root pager to start this pager's unmap worker; false if it refused.
[[nodiscard]] bool start_unmap_worker();

/// check_worker (numa/pager_protocol.h), served by the pager's own thread.
[[nodiscard]] l4::rpc::Reply<Word> check_worker(ThreadId from, Word frame);

}  // namespace apppager
