// unmap.cc: the unmap worker and unmap_from_node() (unmap.h, memory.h).
//
// A frame of pool p mapped into node m's space of a task was mapped there by one of m's
// pagers, from that pager's own mapping of the pool. Only an Unmap in that pager's space
// reaches it: the pager that takes the frame away asks each pager of m (its unmap
// worker; itself directly) to unmap it, and waits for each answer.
//
// The worker serves numa/pager_protocol.h: unmap_frame here (Lab 5's promotion), and
// the global unmap's request through serve_unmap (unmap_worker.cc, Lab 6).
#include "api/fpage.h"
#include "l4/local_thread.h"
#include "l4/print.h"
#include "l4/rpc.h"
#include "l4/space.h"
#include "memory.h"
#include "numa/pager_protocol.h"
#include "numa/root_protocol.h"
#include "pager.h"
#include "unmap.h"

namespace apppager {

namespace {

using l4::rpc::Reply;
using l4::rpc::Status;

constexpr size_t kWorkerStack = 8192;
alignas(16) char g_worker_stack[kWorkerStack];
l4::rpc::Server g_worker_server;  // set up before the worker starts; read-only after

api::Fpage pool_page(Word frame) { return api::Fpage::memory(frame, 12, api::Rights::Full); }

Reply<Word> do_unmap_frame(ThreadId from, Word fpage) {
    if (system().pager_by_thread(from) == nullptr) return Status::Refused;
    api::Fpage page = api::Fpage::from_raw(fpage);
    if (!numa::in_pool_area(page.base()) || page.log2_size() != 12) return Status::Refused;
    (void)l4::unmap_fpage(page, false);
    return Word{1};
}

void worker(Word) { g_worker_server.serve(); }

}  // namespace

bool ask_worker(unsigned cpu, api::Fpage* fpages, unsigned count) {
    Word words[numa::pager_proto::kMaxUnmapFpages];
    if (count > numa::pager_proto::kMaxUnmapFpages) return false;
    for (unsigned i = 0; i < count; ++i) words[i] = fpages[i].raw();
    auto answer = l4::rpc::call_words(system().pagers[cpu].unmap_worker, numa::pager_proto::kUnmapLabel, words,
                                      count, words, count);
    if (!answer.ok() || answer.value() != count) return false;
    for (unsigned i = 0; i < count; ++i) fpages[i] = api::Fpage::from_raw(words[i]);
    return true;
}

l4::rpc::Reply<Word> check_worker(ThreadId from, Word frame) {
    if (system().pager_by_thread(from) != nullptr || from.number() >= system().first_task_thread)
        return Status::Refused;  // not the root pager: its threads come before the tasks' and are no pagers
    if (!is_unmap_fpage(api::Fpage::memory(frame, 12, api::Rights::Full))) return Status::Refused;
    using namespace numa::pager_proto;
    unsigned home = numa::pool_slot_of(frame);
    const Word bad[kMalformedCount] = {
        0,
        api::Fpage::memory(numa::kPoolArea - numa::kPageSize, 12, api::Rights::Full).raw(),
        api::Fpage::memory(numa::pool_base(home), 12, api::Rights::Full).raw(),
        api::Fpage::memory(frame, 12, api::Rights::Read).raw(),
        api::Fpage::memory(frame & ~Word{0x1FFF}, 13, api::Rights::Full).raw(),
    };
    Word refused = 0;
    for (unsigned kind = 0; kind < kMalformedCount; ++kind) {
        Word words[2] = {api::Fpage::memory(frame, 12, api::Rights::Full).raw(), bad[kind]};
        unsigned count = kind == kNoFpage ? 0 : 2;
        Word answer[2];
        auto reply = l4::rpc::call_words(g_self.unmap_worker, kUnmapLabel, words, count, answer, 2);
        if (reply.status() == Status::Malformed) refused |= Word{1} << kind;
    }
    return refused;
}

bool start_unmap_worker() {
    g_worker_server.on<numa::pager_proto::UnmapFrame>(do_unmap_frame);
    g_worker_server.on_raw(numa::pager_proto::kUnmapLabel, serve_unmap);
    l4::ThreadStart start = l4::prepare_thread_start(g_worker_stack, sizeof g_worker_stack, worker, 0);
    auto id = l4::rpc::call<numa::root_proto::StartHelper>(l4::pager(), start.ip, start.sp);
    if (!id.ok()) return false;
    g_self.unmap_worker = id.value();
    return true;
}

void unmap_from_node(unsigned node, Word frame) {
    for (unsigned cpu = 0; cpu < system().cpus; ++cpu) {
        if (node_of_cpu(cpu) != node) continue;
        if (cpu == g_self.cpu) {
            (void)l4::unmap_fpage(pool_page(frame), false);
            continue;
        }
        auto done = l4::rpc::call<numa::pager_proto::UnmapFrame>(system().pagers[cpu].unmap_worker, pool_page(frame).raw());
        if (!done.ok())
            l4::printf("apppager %u: the unmap worker of CPU %u did not unmap %x\n", g_self.cpu, cpu, frame);
    }
}

}  // namespace apppager
