// workers.cc: the worker threads' loop, the pagers' start-up, and the system-call server
// (workers.h, numa/root_protocol.h).
#include "workers.h"

#include "api/fpage.h"
#include "api/map_item.h"
#include "l4/ipc.h"
#include "l4/kip.h"
#include "l4/message.h"
#include "l4/print.h"
#include "l4/rpc.h"
#include "l4/space.h"
#include "l4/thread.h"
#include "l4/utcb.h"
#include "numa/root_protocol.h"
#include "os/layout.h"
#include "pagers.h"
#include "threads.h"

namespace rootpager {

namespace {

using api::Fpage;
using api::Rights;
using api::Word;
using l4::rpc::Reply;
using l4::rpc::Status;

numa::System* g_system;     // set before the workers start
l4::rpc::Server g_server;   // set up before the workers start; read-only after

/// The record of the pager that sent a request, or null: only pagers may call.
const numa::PagerRecord* calling_pager(ThreadId from) { return g_system->pager_by_thread(from); }

/// Starts the new thread `id` at ip, sp; deletes it (false) if it could not.
bool start_at(ThreadId id, Word ip, Word sp) {
    l4::ThreadRegisters regs;
    regs.sp = sp;
    regs.ip = ip;
    regs.control = l4::exreg::kSetSp | l4::exreg::kSetIp | l4::exreg::kHaltFlag | l4::exreg::kCancelReceive |
                   l4::exreg::kCancelSend;
    if (!l4::exchange_registers(id, regs).is_nil()) return true;
    (void)l4::thread_control(id, ThreadId::nil(), ThreadId::nil(), ThreadId::nil(), l4::kNoChange);
    return false;
}

Reply<Word> do_ready(ThreadId from) {
    numa::PagerRecord& record = g_system->pagers[l4::processor_no()];
    if (record.pager != from) return Status::Refused;
    __atomic_store_n(&record.ready, true, __ATOMIC_RELEASE);
    return Word{1};
}

Reply<numa::StartupInfo> do_startup(ThreadId from) {
    const numa::PagerRecord& record = g_system->pagers[l4::processor_no()];
    if (record.pager != from) return Status::Refused;
    return numa::StartupInfo{record.cpu, record.node, record.pool_node, reinterpret_cast<Word>(g_system)};
}

/// Whether a pager may name `id` as a task's thread.
bool task_thread(ThreadId id) { return !id.is_nil() && !id.is_local() && id.number() >= first_task_number(); }

/// Makes the inactive thread `id` in a new space on this CPU's node, with the OS's KIP
/// and UTCB areas; false (and nothing made) if the kernel refused.
bool make_space(ThreadId id) {
    Fpage kip_area = Fpage::memory(os::kKipArea, l4::kip().kip_area_info.log2_size(), Rights::None);
    Fpage utcb_area = Fpage::memory(os::kUtcbArea, os::kUtcbAreaLog2, Rights::None);
    if (l4::thread_control(id, id, root_main_thread(), ThreadId::nil(), l4::kNoChange) != 1) return false;
    if (l4::space_control(id, 0, kip_area, utcb_area, ThreadId::any()) == 1) return true;
    (void)l4::thread_control(id, ThreadId::nil(), ThreadId::nil(), ThreadId::nil(), l4::kNoChange);
    return false;
}

Reply<Word> do_create_thread(ThreadId from, ThreadId id, ThreadId space, Word utcb, ThreadId pager, Word ip,
                             Word sp) {
    if (calling_pager(from) == nullptr || !task_thread(id)) return Status::Refused;
    ThreadId main = root_main_thread();
    if (space.is_nil()) {
        if (!make_space(id)) return Status::Refused;
        if (l4::thread_control(id, id, main, pager, utcb) != 1) {
            (void)l4::thread_control(id, ThreadId::nil(), ThreadId::nil(), ThreadId::nil(), l4::kNoChange);
            return Status::Refused;
        }
    } else if (l4::thread_control(id, space, main, pager, utcb) != 1) {
        return Status::Refused;
    }
    if (!start_at(id, ip, sp)) return Status::Refused;
    return Word{1};
}

Reply<ThreadId> do_start_helper(ThreadId from, Word ip, Word sp) {
    numa::PagerRecord& record = g_system->pagers[l4::processor_no()];
    if (record.pager != from || !record.unmap_worker.is_nil()) return Status::Refused;
    ThreadId id = new_root_thread_id();
    if (id.is_nil()) return Status::Refused;
    Word utcb = os::kUtcbArea + l4::kip().utcb_info.utcb_size();
    if (l4::thread_control(id, from, root_main_thread(), l4::my_global_id(), utcb) != 1) return Status::Refused;
    if (!start_at(id, ip, sp)) return Status::Refused;
    record.unmap_worker = id;
    return id;
}

Reply<Word> do_delete_thread(ThreadId from, ThreadId id) {
    if (calling_pager(from) == nullptr || !task_thread(id)) return Status::Refused;
    if (l4::thread_control(id, ThreadId::nil(), ThreadId::nil(), ThreadId::nil(), l4::kNoChange) != 1)
        return Status::Refused;
    return Word{1};
}

Reply<Word> do_move_thread(ThreadId from, ThreadId id, Word cpu, ThreadId pager) {
    if (calling_pager(from) == nullptr || !task_thread(id) || cpu >= g_system->cpus) return Status::Refused;
    if (!pager.is_nil() && l4::thread_control(id, id, ThreadId::nil(), pager, l4::kNoChange) != 1)
        return Status::Refused;
    if (l4::set_processor(id, cpu) == l4::schedule_result::kError) return Status::Refused;
    return Word{1};
}

Reply<Word> do_create_space(ThreadId from, ThreadId dummy) {
    if (calling_pager(from) == nullptr || !task_thread(dummy) || !make_space(dummy)) return Status::Refused;
    return Word{1};
}

Reply<Word> do_move_to_space(ThreadId from, ThreadId id, ThreadId space, Word cpu, ThreadId pager) {
    if (calling_pager(from) == nullptr || !task_thread(id) || !task_thread(space) || cpu >= g_system->cpus)
        return Status::Refused;
    // The kernel refuses the move for a moment while the thread sends to another CPU
    // (its message words are being read there): try again a few times.
    for (unsigned attempt = 0; l4::thread_control(id, space, ThreadId::nil(), pager, l4::kNoChange) != 1; ++attempt) {
        if (l4::error_code() != Word(api::Error::InvalidThread) || attempt == 100) return Status::Refused;
        l4::sleep(l4::milliseconds(1));
    }
    if (l4::set_processor(id, cpu) == l4::schedule_result::kError) return Status::Refused;
    return Word{1};
}

/// Loads the answer to a page fault of this CPU's pager; false: no answer.
bool pager_fault(ThreadId from, uint16_t label, Word address, Word) {
    numa::PagerRecord& record = g_system->pagers[l4::processor_no()];
    if (from != record.pager && from != record.unmap_worker) {
        l4::printf("rootpager: page fault from %x, which is not a thread of the pager of CPU %u: ignored\n", from.raw(),
                   record.cpu);
        return false;
    }
    bool write = (static_cast<Word>(api::fault_access(label)) & static_cast<Word>(Rights::Write)) != 0;
    ++record.faults;
    if (__atomic_load_n(&record.ready, __ATOMIC_ACQUIRE)) {
        ++record.late_faults;
        l4::printf("rootpager: the pager of CPU %u faulted at %x after it said it was ready\n", record.cpu, address);
    }
    api::MapItem item = api::MapItem::map(Fpage::nil(), 0);
    if (!serve_pager_fault(*g_system, record, address, write, &item)) return false;
    l4::load_with_item(0, 0, item);
    return true;
}

void worker_loop(Word cpu) {
    numa::PagerRecord& record = g_system->pagers[cpu];
    if (!create_pager(record)) l4::sleep_forever();
    g_server.serve_with_faults(pager_fault);
}

}  // namespace

bool start_workers(numa::System& system) {
    g_system = &system;
    g_server.on<numa::root_proto::Startup>(do_startup);
    g_server.on<numa::root_proto::Ready>(do_ready);
    g_server.on<numa::root_proto::CreateThread>(do_create_thread);
    g_server.on<numa::root_proto::DeleteThread>(do_delete_thread);
    g_server.on<numa::root_proto::MoveThread>(do_move_thread);
    g_server.on<numa::root_proto::StartHelper>(do_start_helper);
    g_server.on<numa::root_proto::CreateSpace>(do_create_space);
    g_server.on<numa::root_proto::MoveToSpace>(do_move_to_space);
    for (unsigned cpu = 0; cpu < system.cpus; ++cpu)
        if (start_worker(cpu, worker_loop, cpu).is_nil()) return false;
    return true;
}

bool wait_for_pagers(const numa::System& system, unsigned limit_ms) {
    for (unsigned waited = 0;; ++waited) {
        unsigned ready = 0;
        for (unsigned cpu = 0; cpu < system.cpus; ++cpu)
            ready += __atomic_load_n(&system.pagers[cpu].ready, __ATOMIC_ACQUIRE) ? 1 : 0;
        if (ready == system.cpus) return true;
        if (waited == limit_ms) break;
        l4::sleep(l4::milliseconds(1));
    }
    for (unsigned cpu = 0; cpu < system.cpus; ++cpu)
        if (!system.pagers[cpu].ready) l4::printf("rootpager: the pager of CPU %u did not start\n", cpu);
    return false;
}

}  // namespace rootpager
