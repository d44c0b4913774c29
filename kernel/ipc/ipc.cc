// ipc.cc: the phases of an Ipc and how they end (see ipc.h).
#include "ipc/ipc.h"

#include "api/error.h"
#include "arch/arch.h"
#include "ipc/remote.h"
#include "mm/space.h"
#include "thread/scheduler.h"
#include "thread/tcb_array.h"

namespace ipc {

using thread::State;
using thread::Tcb;
using thread::WakeReason;

namespace {

/// The deadline (clock_us) of a timeout that is not zero; 0 for never.
/// Absolute time points are not supported and count as never.
uint64_t deadline_for(api::Time timeout) {
    if (timeout.is_never()) return 0;
    api::Result<uint64_t> deadline = timeout.try_deadline(thread::clock_us());
    if (!deadline.ok() || deadline.value() == api::kForever) return 0;
    return deadline.value() == 0 ? 1 : deadline.value();
}

/// The thread a thread id names, as seen from `self`'s address space.
Tcb* resolve(Tcb* self, api::ThreadId id) {
    if (id.is_global()) return id.is_any() ? nullptr : thread::lookup_thread(id);
    if (id.is_nil() || id.is_any_local()) return nullptr;
    Tcb* tcb = static_cast<Tcb*>(self->m_space->utcb_owner(api::utcb_location(id.raw())));
    return tcb != nullptr && tcb->exists() && !tcb->m_zombie ? tcb : nullptr;
}

bool is_specific(api::ThreadId from) { return !from.is_nil() && !from.is_any() && !from.is_any_local(); }

/// The receiver `receiver` (this CPU) takes queued `sender`'s message.
void take_from_queue(Tcb* receiver, Tcb* sender) {
    unqueue_sender(receiver, sender);
    transfer(sender, receiver);
    if (sender->cpu() == arch::cpu_index() && !sender->m_remote_send) send_completed(sender);
    else post_send_done(sender, WakeReason::Done);
}

/// Starts the send phase of the running thread `self` to `dest`. Returns
/// Done when the message went through at once, None when `self` must now
/// block (queued, or a request went to another CPU), else the failure.
WakeReason start_send(Tcb* self, Tcb* dest) {
    // A CancelSend of an earlier send still out in m_request: wait for it.
    if (self->m_cancel_pending && !await_request(self, dest)) return WakeReason::NoPartner;
    self->m_send_partner = dest;
    self->m_remote_send = false;
    if (!dest->owned_by(arch::cpu_index())) {  // remote, or not adopted here yet: through its inbox
        self->m_remote_send = true;
        self->m_ack_received = false;
        self->m_cancel_wanted = false;
        self->m_request.kind = RequestKind::Deliver;
        self->m_request.subject = dest;
        self->m_request.subject_id = dest->m_global_id;
        self->m_request.origin = self;
        self->m_request.args[0] = self->m_ipc_seq;
        post(dest->cpu(), self->m_request);
        return WakeReason::None;
    }
    if (dest->m_state == State::Receiving && accepts(dest, self)) {
        transfer(self, dest);
        receive_completed(dest);
        return WakeReason::Done;
    }
    if (self->m_send_timeout.is_zero()) return WakeReason::Timeout;
    queue_sender(dest, self);
    return WakeReason::None;
}

IpcResult result_of(Tcb* self) {
    if (self->m_wake == WakeReason::Done)
        return self->m_has_receive ? IpcResult{self->m_received_from, self->m_received_tag}
                                   : IpcResult{api::ThreadId::nil(), api::MsgTag::nil()};
    api::IpcError error = api::IpcError::Aborted;
    switch (self->m_wake) {
    case WakeReason::Timeout: error = api::IpcError::Timeout; break;
    case WakeReason::NoPartner: error = api::IpcError::NonExistingPartner; break;
    case WakeReason::Cancelled: error = api::IpcError::Cancelled; break;
    default: break;
    }
    api::IpcPhase phase = self->m_error_in_receive ? api::IpcPhase::Receive : api::IpcPhase::Send;
    if (!self->m_send_from_kernel) self->m_utcb->error_code = api::IpcErrorCode::make(phase, error).raw();
    return IpcResult{api::ThreadId::nil(), api::MsgTag::error_tag()};
}

/// Both phases for the running thread; the fields of `self` say what to do.
IpcResult run_ipc(Tcb* self, api::ThreadId to, api::MsgTag tag) {
    self->m_wake = WakeReason::None;
    self->m_error_in_receive = false;
    if (!to.is_nil()) {
        Tcb* dest = resolve(self, to);
        if (dest == nullptr || dest->m_is_idle || dest == self) {
            self->m_wake = WakeReason::NoPartner;
            return result_of(self);
        }
        self->m_send_to = dest->m_global_id;
        self->m_send_tag = tag;
        WakeReason sent = start_send(self, dest);
        if (sent == WakeReason::None) {
            // Blocked for the whole Ipc: whoever ends the send phase also
            // starts the receive phase for us (send_completed). A zero send
            // timeout blocks only for a receiver on another CPU, which answers
            // Timeout at once if the receiver does not wait (remote.cc): no
            // deadline of our own (and no clock reading) is needed.
            uint64_t deadline = self->m_send_timeout.is_zero() ? 0 : deadline_for(self->m_send_timeout);
            thread::block(State::Sending, deadline);
            return result_of(self);
        }
        if (sent != WakeReason::Done) {
            self->m_wake = sent;
            return result_of(self);
        }
    }
    if (!self->m_has_receive) {
        self->m_wake = WakeReason::Done;
        return result_of(self);
    }
    // A Call whose send phase just went through: its partner exists, no need to
    // look it up again.
    bool partner_known = !to.is_nil() && self->m_receive_from == to;
    if (!enter_receive_phase(self, partner_known)) return result_of(self);
    if (self->m_state == State::Receiving) {
        self->m_state = State::Ready;  // block() sets it again, with the deadline
        thread::block(State::Receiving, self->m_deadline);
    } else {
        self->m_wake = WakeReason::Done;
    }
    return result_of(self);
}

}  // namespace

IpcResult blocked_result(Tcb* self) { return result_of(self); }

[[gnu::always_inline]] bool accepts(Tcb* receiver, Tcb* sender) {
    api::ThreadId from = receiver->m_receive_from;
    if (from.is_any()) return true;
    if (from.is_any_local()) return sender->m_space == receiver->m_space;
    if (from.is_global()) return from == sender->m_global_id;
    return sender->m_space == receiver->m_space && from == sender->local_id();
}

void queue_sender(Tcb* receiver, Tcb* sender) {
    sender->m_queued_at = receiver;
    sender->m_queue_next = nullptr;
    Tcb* last = receiver->m_senders_head;
    if (last == nullptr) {
        receiver->m_senders_head = sender;
        receiver->m_has_senders = true;
        sender->m_queue_prev = nullptr;
        return;
    }
    while (last->m_queue_next != nullptr) last = last->m_queue_next;
    last->m_queue_next = sender;
    sender->m_queue_prev = last;
}

void unqueue_sender(Tcb* receiver, Tcb* sender) {
    if (sender->m_queued_at != receiver) return;
    if (sender->m_queue_prev != nullptr) {
        sender->m_queue_prev->m_queue_next = sender->m_queue_next;
    } else {
        receiver->m_senders_head = sender->m_queue_next;
        receiver->m_has_senders = receiver->m_senders_head != nullptr;
    }
    if (sender->m_queue_next != nullptr) sender->m_queue_next->m_queue_prev = sender->m_queue_prev;
    sender->m_queue_next = sender->m_queue_prev = nullptr;
    sender->m_queued_at = nullptr;
}

bool enter_receive_phase(Tcb* tcb, bool partner_known) {
    // Blocked in its send phase (send_completed), or running its own Ipc,
    // which blocks with the deadline itself (run_ipc).
    bool blocked = tcb->m_state != State::Ready;
    api::ThreadId from = tcb->m_receive_from;
    if (!partner_known && is_specific(from) && resolve(tcb, from) == nullptr) {
        tcb->m_error_in_receive = true;
        tcb->m_wake = WakeReason::NoPartner;
        return false;
    }
    for (Tcb* sender = tcb->m_senders_head; sender != nullptr; sender = sender->m_queue_next) {
        if (!accepts(tcb, sender)) continue;
        take_from_queue(tcb, sender);
        return true;
    }
    if (tcb->m_receive_timeout.is_zero()) {
        tcb->m_error_in_receive = true;
        tcb->m_wake = WakeReason::Timeout;
        return false;
    }
    tcb->m_state = State::Receiving;
    tcb->m_deadline = deadline_for(tcb->m_receive_timeout);
    if (blocked) thread::set_timeout(tcb, tcb->m_deadline);
    return true;
}

void receive_completed(Tcb* receiver) {
    if (receiver->m_start_pending) {
        receiver->m_start_pending = false;
        receiver->m_receive_to_kernel = false;
        start_thread_from_message(receiver);
    }
    thread::wake(receiver, WakeReason::Done);
}

void send_completed(Tcb* sender) {
    if (!sender->m_has_receive) {
        thread::wake(sender, WakeReason::Done);
        return;
    }
    if (!enter_receive_phase(sender)) {
        thread::wake(sender, sender->m_wake);
        return;
    }
    if (sender->m_state != State::Receiving) thread::wake(sender, WakeReason::Done);
}

void send_failed(Tcb* sender, WakeReason why) {
    sender->m_error_in_receive = false;
    thread::wake(sender, why);
}

IpcResult ipc(api::ThreadId to, api::ThreadId from_spec, api::Timeouts timeouts, api::MsgTag tag) {
    Tcb* self = thread::current();
    ++self->m_ipc_seq;
    self->m_send_from_kernel = false;
    self->m_receive_to_kernel = false;
    self->m_send_timeout = timeouts.send();
    self->m_receive_timeout = timeouts.receive();
    self->m_receive_from = from_spec;
    self->m_has_receive = !from_spec.is_nil();
    return run_ipc(self, to, tag);
}

bool kernel_call(api::ThreadId to, api::MsgTag tag) {
    Tcb* self = thread::current();
    ++self->m_ipc_seq;
    self->m_send_from_kernel = true;
    self->m_receive_to_kernel = true;
    self->m_send_timeout = api::Time::never();
    self->m_receive_timeout = api::Time::never();
    self->m_has_receive = true;
    Tcb* partner = resolve(self, to);
    if (partner != nullptr) self->m_receive_from = partner->m_global_id;
    IpcResult result = run_ipc(self, partner != nullptr ? partner->m_global_id : to, tag);
    self->m_send_from_kernel = false;
    self->m_receive_to_kernel = false;
    return self->m_wake == WakeReason::Done && !result.tag.has(api::MsgFlag::Error);
}

void wait_for_start(Tcb* tcb, api::ThreadId pager) {
    ++tcb->m_ipc_seq;
    tcb->m_start_pending = true;
    tcb->m_receive_to_kernel = true;
    tcb->m_has_receive = true;
    tcb->m_receive_from = pager;
    tcb->m_receive_timeout = api::Time::never();
    tcb->m_state = State::Receiving;
}

void before_migrate(Tcb* tcb) {
    unsigned me = arch::cpu_index();
    if (tcb->m_state == State::Sending && !tcb->m_remote_send) {
        tcb->m_remote_send = true;
        tcb->m_ack_received = true;
    }
    for (Tcb* sender = tcb->m_senders_head; sender != nullptr; sender = sender->m_queue_next) {
        if (sender->cpu() == me && !sender->m_remote_send) {
            sender->m_remote_send = true;
            sender->m_ack_received = true;
        }
    }
}

void timeout_expired(Tcb* tcb) {
    if (tcb->m_state == State::Receiving) {
        tcb->m_error_in_receive = true;
        thread::wake(tcb, WakeReason::Timeout);
    } else if (tcb->m_state == State::Sending) {
        abort_ipc(tcb, WakeReason::Timeout);
    }
}

void abort_ipc(Tcb* tcb, WakeReason why) {
    if (tcb->m_state == State::Receiving) {
        tcb->m_start_pending = false;
        tcb->m_error_in_receive = true;
        thread::wake(tcb, why);
        return;
    }
    if (tcb->m_state != State::Sending) return;
    if (!tcb->m_remote_send) {
        unqueue_sender(tcb->m_send_partner, tcb);
        send_failed(tcb, why);
        return;
    }
    // The receiver's CPU owns the queue we are in: ask it (remote.h).
    tcb->m_cancel_reason = why;
    if (!tcb->m_ack_received) {
        tcb->m_cancel_wanted = true;
        return;
    }
    if (tcb->m_cancel_wanted) return;  // already asked
    tcb->m_cancel_wanted = true;
    post_cancel(tcb);
}

}  // namespace ipc
