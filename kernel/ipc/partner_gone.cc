// partner_gone.cc: when a thread is deleted, the threads that wait to receive
// from it exactly (a Call waiting for its reply, a pager's client) end their
// wait with "non-existing partner", as X.2 says, on whatever CPU they are.
//
// Senders queued at the deleted thread are told by its own CPU
// (thread::delete_thread). Receivers are not queued anywhere that names them,
// so every CPU is asked to look: announce_partner_gone() raises a flag on each
// CPU, and each, at its next safe point, scans the TCB array for its own
// threads waiting for a specific partner that no longer exists. Deletions are
// rare and the scan reads one word per empty slot (they all share the zero
// page), so this costs little.
#include "arch/arch.h"
#include "ipc/ipc.h"
#include "lib/per_cpu.h"
#include "mm/space.h"
#include "smp/cross_call.h"
#include "smp/online.h"
#include "thread/cpu_scheduler.h"
#include "thread/safe_point.h"
#include "thread/scheduler.h"
#include "thread/tcb_array.h"

namespace ipc {

namespace {

using thread::SafePointWork;

void nothing(void*) {}

bool partner_exists(thread::Tcb* receiver) {
    api::ThreadId from = receiver->m_receive_from;
    if (from.is_global()) return thread::lookup_thread(from) != nullptr;
    thread::Tcb* owner = static_cast<thread::Tcb*>(receiver->m_space->utcb_owner(api::utcb_location(from.raw())));
    return owner != nullptr && owner->exists() && !owner->m_zombie;
}

}  // namespace

void announce_partner_gone() {
    unsigned me = arch::cpu_index();
    for (unsigned cpu = 0; cpu < platform::kMaxCpus; ++cpu) {
        if (!smp::cpu_online(cpu)) continue;
        thread::safe_point_work(cpu).raise(SafePointWork::PartnerGone);
        if (cpu != me) smp::call_on(cpu, nothing, nullptr, smp::Wait::No);  // to a safe point
    }
    thread::request_reschedule();  // this CPU's own safe point comes at its kernel exit
}


void handle_partner_gone() {
    // A plain load first: this runs on every return to user mode.
    SafePointWork& work = thread::safe_point_work();
    if (!work.has(SafePointWork::PartnerGone) || !work.take(SafePointWork::PartnerGone)) return;
    unsigned me = arch::cpu_index();
    for (api::Word number = 0; number < thread::kMaxThreads; ++number) {
        thread::Tcb* tcb = thread::tcb_slot(number);
        if (tcb->m_state != thread::State::Receiving || tcb->cpu() != me) continue;
        if (!tcb->owned_by(me)) {  // its Adopt is still in our inbox: look again after it
            work.raise(SafePointWork::PartnerGone);
            continue;
        }
        api::ThreadId from = tcb->m_receive_from;
        if (from.is_nil() || from.is_any() || from.is_any_local() || partner_exists(tcb)) continue;
        tcb->m_start_pending = false;
        tcb->m_error_in_receive = true;
        thread::wake(tcb, thread::WakeReason::NoPartner);
    }
}

}  // namespace ipc
