// unmap_worker.cc: the unmap worker's side of the global unmap: what a pager does when
// another pager takes pages of a task away (thesis 4.2.1, "Synchronization ... unmap").
// Lab 6.
//
// An unmap request arrives at this pager's unmap worker (numa/pager_protocol.h: label
// 0x0D21, fpages in MR1 .. MRk). By then the originator has taken the pages out of the
// node tables (global_unmap.cc), so no pager of this node maps the old frame (or its
// write right) again; what is left is the kernel's: the mappings this pager made from
// its own mapping of the pools, which only an Unmap in this pager's space reaches.
//
// serve_unmap(from, tag):
//   1. the caller must be an application pager (system().pager_by_thread(from)): anybody
//      else gets Refused (l4::rpc::load_error) and nothing happens;
//   2. 1 <= k = tag.untyped() <= kMaxUnmapFpages, and every fpage must pass
//      is_unmap_fpage: else the request is malformed (return false), and nothing
//      happens. Check them all before unmapping any;
//   3. copy the fpages out of the message registers (unmap_here's system call uses
//      them), unmap_here(fpages, k);
//   4. answer with the k fpages, each now with its status bits (l4::rpc::load_words).
//
// unmap_here(fpages, k): one Unmap system call for all k: MR0 .. MR(k-1) the fpages,
// control k - 1, no flush (l4::unmap); each comes back in its MR with the status bits
// (referenced, written) of the mappings it took away or reduced.
//
// Tests: l4.numa.unmap_everywhere, l4.numa.unmap_status, l4.numa.unmap_refused.
#include "api/fpage.h"
#include "l4/lab.h"
#include "l4/rpc.h"
#include "l4/space.h"
#include "l4/utcb.h"
#include "memory.h"
#include "numa/pager_protocol.h"
#include "pager.h"

namespace apppager {

using numa::pager_proto::kMaxUnmapFpages;

bool serve_unmap(ThreadId from, api::MsgTag tag) {
    if (system().pager_by_thread(from) == nullptr) {
        l4::rpc::load_error(l4::rpc::Status::Refused);
        return true;
    }
    unsigned count = tag.untyped();
    if (count == 0 || count > kMaxUnmapFpages) return false;
    api::Fpage fpages[kMaxUnmapFpages];
    for (unsigned i = 0; i < count; ++i) {
        fpages[i] = api::Fpage::from_raw(l4::mr(1 + i));
        if (!is_unmap_fpage(fpages[i])) return false;
    }
    unmap_here(fpages, count);
    Word words[kMaxUnmapFpages];
    for (unsigned i = 0; i < count; ++i) words[i] = fpages[i].raw();
    l4::rpc::load_words(words, count);
    return true;
}

void unmap_here(api::Fpage* fpages, unsigned count) {
    for (unsigned i = 0; i < count; ++i) l4::set_mr(i, fpages[i].raw());
    l4::unmap(count - 1);
    for (unsigned i = 0; i < count; ++i) fpages[i] = api::Fpage::from_raw(l4::mr(i));
}

}  // namespace apppager
