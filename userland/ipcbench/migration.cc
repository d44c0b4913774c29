// migration.cc: the cost of Schedule moving a thread between two CPUs (migration.h).
#include "migration.h"

#include "../l4test/threads.h"
#include "l4/kdebug.h"
#include "l4/kip.h"
#include "l4/print.h"
#include "l4/sort.h"
#include "l4/thread.h"
#include "l4/utcb.h"
#include "ping_pong.h"

namespace ipcbench {

namespace {

/// Two CPUs other than `client`, on one node (`same`) or on two (`!same`); false if
/// the machine has none.
bool pick_pair(Word client, bool same, Word* a, Word* b) {
    Word cpus = l4::processor_count();
    for (Word x = 0; x < cpus; ++x)
        for (Word y = x + 1; y < cpus; ++y) {
            if (x == client || y == client) continue;
            if ((l4::processor_node(x) == l4::processor_node(y)) != same) continue;
            *a = x;
            *b = y;
            return true;
        }
    return false;
}

}  // namespace

unsigned measure_migrations(Word batches, Word moves) {
    unsigned failed = 0;
    Word client = l4::processor_no();
    for (int pass = 0; pass < 2; ++pass) {
        bool same = pass == 0;
        const char* name = same ? "same_node" : "cross_node";
        Word a = 0, b = 0;
        if (!pick_pair(client, same, &a, &b)) {
            l4::printf("BENCH skip case=%s reason=no-two-cpus-%s-besides-cpu-%u\n", name,
                       same ? "on-one-node" : "on-two-nodes", client);
            continue;
        }
        l4test::LocalThread server;
        if (!server.start(echo_server, 0) || l4::set_processor(server.id(), a) == l4::schedule_result::kError) {
            l4::printf("BENCH fail case=%s words=- reason=start-or-place:%s\n", name, server.error());
            ++failed;
            continue;
        }
        unsigned tcb_moves_before = l4::kdebug::kernel_statistic(l4::kdebug::Statistic::TcbMoves);
        uint64_t per_move[kMaxBatches];
        uint64_t total = 0;
        bool ok = true;
        for (Word batch = 0; batch <= batches && ok; ++batch) {  // batch 0 warms up
            uint64_t start = rdtsc();
            for (Word i = 0; i < moves && ok; ++i)
                ok = l4::set_processor(server.id(), i % 2 == 0 ? b : a) != l4::schedule_result::kError;
            uint64_t cycles = rdtsc() - start;
            if (batch == 0) continue;
            per_move[batch - 1] = cycles / moves;
            total += cycles;
        }
        unsigned tcb_moves = l4::kdebug::kernel_statistic(l4::kdebug::Statistic::TcbMoves) - tcb_moves_before;
        if (!ok || server_cpu(server.id()) > l4::processor_count()) {
            l4::printf("BENCH fail case=%s words=- reason=Schedule-failed-ErrorCode-%u\n", name, l4::error_code());
            ++failed;
            continue;
        }
        l4::sort_samples(per_move, unsigned(batches));
        l4::printf("BENCH migrate case=%s moves=%u cycles_per_move=%llu min=%llu mean=%llu tcb_moves=%u cpus=%u,%u\n",
                   name, unsigned(batches * moves), per_move[batches / 2], per_move[0], total / (batches * moves),
                   tcb_moves, a, b);
    }
    return failed;
}

}  // namespace ipcbench
