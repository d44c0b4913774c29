// main.cc: an application pager of the NUMA OS, one per CPU (thesis 4.2.1).
//
// The root pager's worker on this CPU made this space and thread and is its pager.
//   1. startup() (numa/root_protocol.h): this pager's CPU, node, pool node and the
//      System record;
//   2. touch every region of the space (numa/layout.h): each page of the image, each
//      page of every program module, each page of every node pool. The worker maps each
//      on its fault; afterwards this pager takes no page fault (the worker counts any
//      that come later: System::pagers[cpu].late_faults, which the tests read);
//   3. take a frame of its own pool for its MCS queue nodes (numa/pager_lock.h), have the
//      root pager start its unmap worker (unmap.h);
//   4. ready(), and then serve the tasks of this CPU (service.cc).
#include "l4/ipc.h"
#include "l4/message.h"
#include "l4/print.h"
#include "l4/rpc.h"
#include "l4/utcb.h"
#include "numa/root_protocol.h"
#include "pager.h"
#include "unmap.h"

extern "C" char __image_start[];
extern "C" char __image_end[];

namespace apppager {

Self g_self;

namespace {

using numa::kPageSize;

/// Reads one word of every page of [start, end), so that each is mapped.
Word touch(Word start, Word end) {
    Word sum = 0;
    for (Word page = start & ~(kPageSize - 1); page < end; page += kPageSize)
        sum += *reinterpret_cast<volatile const Word*>(page);
    return sum;
}

void touch_all_regions() {
    Word sum = touch(reinterpret_cast<Word>(__image_start), reinterpret_cast<Word>(__image_end));
    const numa::System& s = system();
    for (unsigned i = 0; i < s.module_count; ++i)
        sum += touch(s.modules[i].address, s.modules[i].address + s.modules[i].size);
    for (unsigned node = 0; node < s.nodes; ++node)
        if (s.has_pool[node])
            sum += touch(numa::pool_base(node), numa::pool_base(node) + numa::Pool::of_node(node).size());
    (void)sum;
}

}  // namespace

}  // namespace apppager

int main() {
    using namespace apppager;
    auto startup = l4::rpc::call<numa::root_proto::Startup>(l4::pager());
    if (!startup.ok()) {
        l4::printf("apppager: no start-up message from the root pager\n");
        l4::sleep_forever();
    }
    g_self.cpu = unsigned(startup.value().cpu);
    g_self.node = unsigned(startup.value().node);
    g_self.pool_node = unsigned(startup.value().pool_node);
    g_self.system = reinterpret_cast<numa::System*>(startup.value().system);
    touch_all_regions();
    Word nodes = numa::Pool::of_node(g_self.pool_node).allocate();
    if (nodes == 0 || !start_unmap_worker()) {
        l4::printf("apppager %u: cannot start: %s\n", g_self.cpu, nodes == 0 ? "no memory" : "no unmap worker");
        l4::sleep_forever();
    }
    g_self.lock_nodes = reinterpret_cast<l4::McsNode*>(nodes);
    if (!l4::rpc::call<numa::root_proto::Ready>(l4::pager()).ok()) {
        l4::printf("apppager %u: the root pager refused ready()\n", g_self.cpu);
        l4::sleep_forever();
    }
    serve();
}
