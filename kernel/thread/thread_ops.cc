// thread_ops.cc: creating, starting and deleting threads (see thread_ops.h).
#include "thread/thread_ops.h"

#include "arch/arch.h"
#include "arch/mmu.h"
#include "arch/user.h"
#include "ipc/ipc.h"
#include "ipc/remote.h"
#include "lib/string.h"
#include "mm/space.h"
#include "platform/machine.h"
#include "thread/scheduler.h"
#include "thread/tcb_array.h"
#include "thread/tcb_placement.h"

namespace thread {

const char* state_name(State state) {
    switch (state) {
    case State::Free: return "Free";
    case State::Inactive: return "Inactive";
    case State::Ready: return "Ready";
    case State::Sending: return "Sending";
    case State::Receiving: return "Receiving";
    case State::WaitingRemote: return "WaitingRemote";
    case State::Halted: return "Halted";
    }
    return "?";
}

api::Result<Tcb*> try_create(api::ThreadId id, mm::Space* space, api::ThreadId scheduler) {
    if (!id.is_global() || id.is_any() || id.number() >= kMaxThreads) return api::Error::InvalidThread;
    unsigned cpu = arch::cpu_index();
    Tcb* tcb = try_allocate_tcb(id.number(), platform::machine_topology().cpus[cpu].node);
    if (tcb == nullptr) return tcb_slot(id.number())->exists() ? api::Error::InvalidThread : api::Error::OutOfMemory;
    record_tcb_placement(tcb, platform::machine_topology().cpus[cpu].node);
    tcb->m_cpu = cpu;
    tcb->m_space = space;
    tcb->m_scheduler = scheduler;
    tcb->m_stack_canary = kStackCanary;
    tcb->m_state = State::Inactive;
    space->add_thread();
    // The id last: from here on lookups find the thread.
    __atomic_store_n(reinterpret_cast<api::Word*>(&tcb->m_global_id), id.raw(), __ATOMIC_RELEASE);
    return tcb;
}

api::Result<void> try_activate(Tcb* tcb, api::Word utcb_location, api::ThreadId pager) {
    mm::Space* space = tcb->m_space;
    api::Fpage area = space->utcb_area();
    if (!space->is_configured() || !api::is_valid_utcb_location(utcb_location) || !area.contains(utcb_location) ||
        uint64_t(utcb_location) + api::kUtcbSize > area.end())
        return api::Error::UtcbArea;
    if (space->utcb_owner(utcb_location) != nullptr) return api::Error::UtcbArea;
    api::Utcb* utcb = space->try_utcb(utcb_location);
    if (utcb == nullptr) return api::Error::OutOfMemory;
    memset(utcb, 0, sizeof(api::Utcb));
    utcb->unused_low[0] = api::utcb_pointer(utcb_location);  // what %gs:0 reads (gdt.h)
    utcb->my_global_id = tcb->m_global_id;
    utcb->pager = pager;
    utcb->processor_no = tcb->m_cpu;
    tcb->m_utcb = utcb;
    tcb->m_utcb_location = utcb_location;
    tcb->m_utcb_segment = arch::utcb_segment(utcb_location);
    space->set_utcb_owner(utcb_location, tcb);
    tcb->m_kernel_esp = arch::prepare_user_thread_stack(uintptr_t(tcb) + kTcbSize, 0, 0);
    ipc::wait_for_start(tcb, pager);
    return {};
}

api::Result<mm::Space*> try_move_to_space(Tcb* tcb, mm::Space* to) {
    mm::Space* from = tcb->m_space;
    if (to == from) return static_cast<mm::Space*>(nullptr);
    // (1) Another CPU may be copying its message words out of its UTCB right now.
    if (tcb->m_state == State::Sending && tcb->m_remote_send) return api::Error::InvalidThread;
    // (2) Its UTCB: the same address in `to`, which must be free there.
    if (tcb->m_utcb != nullptr) {
        api::Word location = tcb->m_utcb_location;
        api::Fpage area = to->utcb_area();
        if (!to->is_configured()) return api::Error::InvalidSpace;
        if (!area.contains(location) || uint64_t(location) + api::kUtcbSize > area.end() ||
            to->utcb_owner(location) != nullptr)
            return api::Error::UtcbArea;
        api::Utcb* utcb = to->try_utcb(location);
        if (utcb == nullptr) return api::Error::OutOfMemory;
        memcpy(utcb, tcb->m_utcb, sizeof(api::Utcb));
        to->set_utcb_owner(location, tcb);
        from->set_utcb_owner(location, nullptr);
        tcb->m_utcb = utcb;
    }
    // (3) The thread changes spaces; if it runs here, so does this CPU.
    to->add_thread();
    tcb->m_space = to;
    if (tcb == current()) arch::load_directory(to->switch_directory(arch::cpu_index()));
    return from->remove_thread() ? from : nullptr;
}

void delete_thread(Tcb* tcb) {
    // (1) Senders waiting for this thread learn it is gone.
    while (Tcb* sender = tcb->m_senders_head) {
        ipc::unqueue_sender(tcb, sender);
        if (sender->cpu() == arch::cpu_index() && !sender->m_remote_send) {
            ipc::send_failed(sender, WakeReason::NoPartner);
        } else {
            ipc::post_send_done(sender, WakeReason::NoPartner);
        }
    }
    // (2) Its own IPC ends. A request of its own that is still out on another
    // CPU will come back to it: it stays a zombie until then.
    bool request_out = (tcb->m_state == State::Sending && tcb->m_remote_send) || tcb->m_state == State::WaitingRemote;
    if (tcb->m_state == State::Sending && tcb->m_remote_send) ipc::abort_ipc(tcb, WakeReason::Aborted);
    else if (tcb->m_state == State::Sending || tcb->m_state == State::Receiving) ipc::abort_ipc(tcb, WakeReason::Aborted);
    tcb->m_zombie = true;
    detach(tcb);
    ipc::announce_partner_gone();  // (3) threads waiting for a reply from it learn it is gone
    if (request_out) {
        tcb->m_state = State::WaitingRemote;
        return;
    }
    tcb->m_state = State::Halted;
    free_after_switch(tcb);
}

void finish_delete(Tcb* tcb) {
    // A request that lives in the TCB may still wait in an inbox or be handled
    // on another CPU (an acknowledgement forwarded from an earlier CPU, the
    // answer being handled right now): the page must outlive it. The thread
    // waits on its CPU's list of the dead until then (reap_dead).
    if (ipc::requests_in_flight(slot_number(tcb)) != 0) {
        free_when_settled(tcb);
        return;
    }
    mm::Space* space = tcb->m_space;
    if (tcb->m_utcb != nullptr) space->set_utcb_owner(tcb->m_utcb_location, nullptr);
    tcb->m_state = State::Free;
    tcb->m_global_id = api::ThreadId::nil();
    free_tcb(tcb);
    if (space->remove_thread()) space->destroy();
}

}  // namespace thread
