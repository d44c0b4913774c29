// remote.cc: each CPU's inbox of requests from other CPUs, and what it does
// with each kind (see remote.h).
#include "ipc/remote.h"

#include "arch/arch.h"
#include "arch/ia32/layout.h"
#include "ipc/ipc.h"
#include "lib/per_cpu.h"
#include "lib/spin_lock.h"
#include "thread/cpu_scheduler.h"
#include "thread/safe_point.h"
#include "thread/scheduler.h"
#include "thread/tcb_array.h"
#include "thread/tcb_migrate.h"
#include "thread/thread_ops.h"
#include "thread/tcb.h"

namespace ipc {

using thread::State;
using thread::Tcb;
using thread::WakeReason;

namespace {

// Whether an inbox has requests is its CPU's SafePointWork::Inbox byte
// (thread/safe_point.h): raised and cleared under the inbox's lock, read
// without it (a hint, as the IPC fast path and the safe point need).
// No interrupt handler takes an inbox's lock (the IPI that rings a CPU only
// brings it to a safe point), so it is taken with a plain SpinLockGuard and
// the interrupt flag left as it is.
struct Inbox {
    SpinLock lock;
    RemoteRequest* head GUARDED_BY(lock) = nullptr;
    RemoteRequest* tail GUARDED_BY(lock) = nullptr;
};

PerCpu<Inbox> g_inboxes;

using thread::SafePointWork;

// Requests in flight per thread number (requests_in_flight). Kept outside the
// TCBs: the CPU that finishes a request counts it down after its last access
// to the TCB, and that TCB may be gone by then (a zombie freed by its answer).
uint16_t g_in_flight[thread::kMaxThreads];  // atomic

/// The in-flight count of the TCB `request` lives in (every request does;
/// the check keeps a stray one from writing outside the array).
uint16_t* in_flight_of(const RemoteRequest& request) {
    uintptr_t address = uintptr_t(&request);
    if (address < TCB_ARRAY_BASE || address - TCB_ARRAY_BASE >= TCB_ARRAY_SIZE) return nullptr;
    return &g_in_flight[(address - TCB_ARRAY_BASE) / thread::kTcbSize];
}

/// Links `request` at the tail of CPU `cpu`'s inbox (its lock held). Returns
/// whether the inbox had requests already: then its CPU has been rung and has
/// not emptied it yet (it clears the Inbox byte under the lock when it takes
/// the last one), so it will find this one too without being rung again.
bool link(unsigned cpu, Inbox& inbox, RemoteRequest& request) REQUIRES(inbox.lock) {
    SafePointWork& work = thread::safe_point_work(cpu);
    bool was_pending = work.has(SafePointWork::Inbox);
    if (uint16_t* count = in_flight_of(request)) __atomic_fetch_add(count, 1, __ATOMIC_RELAXED);
    request.next = nullptr;
    if (inbox.tail != nullptr) inbox.tail->next = &request;
    else inbox.head = &request;
    inbox.tail = &request;
    work.raise(SafePointWork::Inbox);
    return was_pending;
}

/// Interrupts `cpu` so that it handles its inbox soon: the cross-call IPI
/// alone (its handler finds no call to run) brings it to a safe point.
void ring(unsigned cpu) {
    if (cpu == arch::cpu_index()) thread::request_reschedule();
    else arch::send_cross_call_ipi(cpu);
}

/// The subject still is the thread the request was about.
bool subject_alive(const RemoteRequest& request) {
    return request.subject->m_global_id == request.subject_id && request.subject->exists();
}

/// Re-posts a request whose subject moved to another CPU, or came back to
/// this one and is not adopted yet: then the request may have waited here
/// since the subject's last stay, ahead of its Adopt, and goes to the tail,
/// behind the Adopt. True if it did.
bool forwarded(RemoteRequest& request) {
    if (request.subject->owned_by(arch::cpu_index())) return false;
    post(request.subject->cpu(), request);
    return true;
}

void on_deliver(RemoteRequest& request) {
    Tcb* sender = request.origin;
    if (!subject_alive(request) || request.subject->m_zombie) {
        post_send_done(sender, WakeReason::NoPartner);
        return;
    }
    if (forwarded(request)) return;
    Tcb* receiver = request.subject;
    if (receiver->m_state == State::Receiving && accepts(receiver, sender)) {
        transfer(sender, receiver);
        receive_completed(receiver);
        post_send_done(sender, WakeReason::Done);
    } else if (sender->m_send_timeout.is_zero()) {
        post_send_done(sender, WakeReason::Timeout);
    } else {
        queue_sender(receiver, sender);
        sender->m_ack.kind = RequestKind::Queued;
        sender->m_ack.subject = sender;
        sender->m_ack.subject_id = sender->m_global_id;
        post(sender->cpu(), sender->m_ack);
    }
}

void on_queued(RemoteRequest& request) {
    if (forwarded(request)) return;
    Tcb* sender = request.subject;
    sender->m_ack_received = true;
    if (sender->m_cancel_wanted && (sender->m_state == State::Sending || sender->m_zombie)) post_cancel(sender);
}

void on_cancel(RemoteRequest& request) {
    if (forwarded(request)) return;
    Tcb* receiver = request.subject;
    Tcb* sender = request.origin;
    if (sender->m_queued_at == receiver && sender->m_ipc_seq == request.args[0]) {  // else already taken
        unqueue_sender(receiver, sender);
        post_send_done(sender, sender->m_cancel_reason);
    }
    // Either way the sender learns that its m_request is free again.
    sender->m_ack.kind = RequestKind::CancelDone;
    sender->m_ack.subject = sender;
    sender->m_ack.subject_id = sender->m_global_id;
    post(sender->cpu(), sender->m_ack);
}

void on_cancel_done(RemoteRequest& request) {
    if (forwarded(request)) return;
    Tcb* sender = request.subject;
    sender->m_cancel_pending = false;
    if (sender->m_zombie) {
        // Deleted while it waited for this (no send open, so no SendDone to
        // come): this was its last answer. Else its SendDone frees it.
        if (sender->m_awaiting_cancel) thread::finish_delete(sender);
        return;
    }
    if (sender->m_state == State::WaitingRemote) thread::wake(sender, WakeReason::Done);
}

void on_send_done(RemoteRequest& request) {
    if (forwarded(request)) return;
    Tcb* sender = request.subject;
    if (sender->m_zombie) {
        thread::finish_delete(sender);
        return;
    }
    if (sender->m_state != State::Sending || sender->m_ipc_seq != request.args[0]) return;
    WakeReason why = WakeReason(request.status);
    if (why == WakeReason::Done) send_completed(sender);
    else send_failed(sender, why);
    thread::move_after_send(sender);  // a Schedule that came while the send was out
}

void on_run_op(RemoteRequest& request) {
    if (!subject_alive(request)) {
        request.status = uint8_t(WakeReason::NoPartner);
    } else {
        if (forwarded(request)) return;
        request.status = uint8_t(WakeReason::Done);
        request.op(request);
    }
    Tcb* origin = request.origin;
    origin->m_reply.kind = RequestKind::OpDone;
    origin->m_reply.subject = origin;
    origin->m_reply.subject_id = origin->m_global_id;
    origin->m_reply.status = request.status;
    post(origin->cpu(), origin->m_reply);
}

void on_op_done(RemoteRequest& request) {
    if (forwarded(request)) return;
    Tcb* origin = request.subject;
    if (origin->m_zombie) {
        thread::finish_delete(origin);
        return;
    }
    if (origin->m_state == State::WaitingRemote) thread::wake(origin, WakeReason(request.status));
}

void handle(RemoteRequest& request) {
    switch (request.kind) {
    case RequestKind::Deliver: on_deliver(request); break;
    case RequestKind::Queued: on_queued(request); break;
    case RequestKind::SendDone: on_send_done(request); break;
    case RequestKind::CancelSend: on_cancel(request); break;
    case RequestKind::CancelDone: on_cancel_done(request); break;
    case RequestKind::Adopt: thread::adopt(request.subject); break;
    case RequestKind::RunOp: on_run_op(request); break;
    case RequestKind::OpDone: on_op_done(request); break;
    }
}

}  // namespace

void post(unsigned cpu, RemoteRequest& request) {
    Inbox& inbox = g_inboxes.on(cpu);
    bool was_pending;
    {
        SpinLockGuard guard(inbox.lock);
        was_pending = link(cpu, inbox, request);
    }
    if (!was_pending) ring(cpu);
}

void post_adopt(unsigned cpu, Tcb* tcb) {
    RemoteRequest& adopt = tcb->m_adopt;
    adopt.kind = RequestKind::Adopt;
    adopt.subject = tcb;
    adopt.subject_id = tcb->m_global_id;
    Inbox& inbox = g_inboxes.on(cpu);
    bool was_pending;
    {
        SpinLockGuard guard(inbox.lock);
        __atomic_store_n(&tcb->m_adopt_pending, true, __ATOMIC_RELAXED);
        __atomic_store_n(&tcb->m_cpu, cpu, __ATOMIC_RELEASE);
        was_pending = link(cpu, inbox, adopt);
    }
    if (!was_pending) ring(cpu);
}

unsigned requests_in_flight(api::Word number) {
    return number < thread::kMaxThreads ? __atomic_load_n(&g_in_flight[number], __ATOMIC_ACQUIRE) : 0;
}

bool inbox_pending() { return thread::safe_point_work().has(SafePointWork::Inbox); }

bool handle_inbox(const Tcb* current) {
    handle_partner_gone();
    Inbox& inbox = g_inboxes.current();
    while (inbox_pending()) {
        RemoteRequest* request;
        {
            SpinLockGuard guard(inbox.lock);
            request = inbox.head;
            if (request == nullptr) {
                thread::safe_point_work().clear(SafePointWork::Inbox);
                return true;
            }
            if (current != nullptr && request->kind == RequestKind::RunOp && request->subject == current) return false;
            inbox.head = request->next;
            if (inbox.head == nullptr) {
                inbox.tail = nullptr;
                thread::safe_point_work().clear(SafePointWork::Inbox);
            }
        }
        uint16_t* in_flight = in_flight_of(*request);
        Tcb* owner = reinterpret_cast<Tcb*>(uintptr_t(request) & ~uintptr_t(thread::kTcbSize - 1));
        handle(*request);
        if (in_flight == nullptr) continue;
        // The last access to the request's TCB is behind us (release).
        __atomic_fetch_sub(in_flight, 1, __ATOMIC_RELEASE);
        // Its thread may be quiet now: a TCB move put off may happen (Lab 3).
        // (A freed TCB reads as zeros here: nothing pending.)
        thread::tcb_settled(owner);
    }
    return true;
}

bool await_request(Tcb* self, Tcb* partner) {
    api::ThreadId partner_id = partner->m_global_id;
    self->m_awaiting_cancel = true;
    while (self->m_cancel_pending) thread::block(State::WaitingRemote, 0);
    self->m_awaiting_cancel = false;
    return partner->m_global_id == partner_id && partner->exists();
}

void post_send_done(Tcb* sender, WakeReason why) {
    sender->m_reply.kind = RequestKind::SendDone;
    sender->m_reply.subject = sender;
    sender->m_reply.subject_id = sender->m_global_id;
    sender->m_reply.status = uint8_t(why);
    sender->m_reply.args[0] = sender->m_ipc_seq;
    post(sender->cpu(), sender->m_reply);
}

void post_cancel(Tcb* sender) {
    sender->m_cancel_pending = true;
    sender->m_request.kind = RequestKind::CancelSend;
    sender->m_request.subject = sender->m_send_partner;
    sender->m_request.subject_id = sender->m_send_partner->m_global_id;
    sender->m_request.origin = sender;
    sender->m_request.args[0] = sender->m_ipc_seq;
    post(sender->m_send_partner->cpu(), sender->m_request);
}

}  // namespace ipc
