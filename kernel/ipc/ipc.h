// ipc.h: L4 X.2 IPC between threads, on one CPU or across CPUs.
//
// One Ipc has up to two phases, done in this order:
//   send:    to `to` (nil: no send phase), with the send timeout;
//   receive: from the from-specifier (nil: no receive phase; any; anylocal;
//            one thread), with the receive timeout.
// Call is send + receive from the same thread, atomically: the partner can
// reply at once, even with a zero send timeout, because the caller is
// already waiting when the partner gets the message. ReplyWait is send to a
// client + receive from any.
//
// How a phase ends, when the partner is on this CPU (ipc.cc):
//   the partner already waits for us  -> transfer now (transfer.cc), go on;
//   timeout zero                      -> error Timeout at once;
//   else                              -> sender: queue in the receiver's
//                                        senders list; receiver: wait. Block
//                                        until the partner comes or the
//                                        deadline passes.
// When the partner is on another CPU, the send phase is a Deliver request to
// the partner's CPU (remote.h), which does the same there and answers.
//
// A blocked thread is woken once, when its whole Ipc is over; whoever ends a
// phase for it also starts its next one (enter_receive_phase).
#pragma once

#include "api/msg_tag.h"
#include "api/thread_id.h"
#include "api/time.h"
#include "thread/tcb.h"

namespace ipc {

struct IpcResult {
    api::ThreadId from;  ///< the sender (receive phase), or nil
    api::MsgTag tag;     ///< MR0 as the caller sees it (error flag on failure)
};

/// The Ipc system call for the running thread; MR1.. are in its UTCB.
IpcResult ipc(api::ThreadId to, api::ThreadId from_spec, api::Timeouts timeouts, api::MsgTag tag);

/// A message from the kernel on behalf of the running thread (page fault,
/// exception): sends m_kmsg (tag `tag`) to `to` and waits for the reply into
/// m_kmsg, with no timeouts. Returns false when the partner does not exist
/// or the IPC failed.
bool kernel_call(api::ThreadId to, api::MsgTag tag);

/// A new thread starts waiting for its start message from `pager`.
void wait_for_start(thread::Tcb* tcb, api::ThreadId pager);

/// Called by the scheduler when a blocked thread's deadline passed.
void timeout_expired(thread::Tcb* tcb);

/// Aborts a thread's Ipc (ExchangeRegisters, ThreadControl): it returns with
/// `why` in the phase it was in. Threads of this CPU only.
void abort_ipc(thread::Tcb* tcb, thread::WakeReason why);

// ---- internals shared by ipc.cc, transfer.cc and remote.cc --------------------

/// Whether `receiver`, in its receive phase, accepts a message from `sender`.
bool accepts(thread::Tcb* receiver, thread::Tcb* sender);

/// Copies sender's message into receiver (words and map/grant items).
void transfer(thread::Tcb* sender, thread::Tcb* receiver);

/// The receiver got its message: deliver a start message, or wake it.
void receive_completed(thread::Tcb* receiver);

/// A blocked sender's send phase succeeded (its own CPU): start its receive
/// phase or wake it.
void send_completed(thread::Tcb* sender);

/// A blocked sender's send phase failed (its own CPU).
void send_failed(thread::Tcb* sender, thread::WakeReason why);

/// Takes a sender off the senders list of `receiver` (the receiver's CPU).
void unqueue_sender(thread::Tcb* receiver, thread::Tcb* sender);
void queue_sender(thread::Tcb* receiver, thread::Tcb* sender);

/// A thread was deleted: every CPU ends, at its next safe point, the receive
/// phases of its threads that wait for a partner that no longer exists
/// (partner_gone.cc).
void announce_partner_gone();
void handle_partner_gone();

/// Tells a sender's CPU that its send phase ended with `why` (SendDone, remote.h).
void post_send_done(thread::Tcb* sender, thread::WakeReason why);

/// Asks the receiver's CPU to take a remote-queued sender off its list.
void post_cancel(thread::Tcb* sender);

/// A thread of this CPU is about to move to another CPU: queues that were
/// local to this CPU become remote ones for it and its partners.
void before_migrate(thread::Tcb* tcb);

/// Applies a new thread's start message (IP in word 1, SP in word 2 of m_kmsg).
void start_thread_from_message(thread::Tcb* tcb);

/// The result of the Ipc that the running thread `self` blocked in and was woken
/// from (m_wake says how it ended).
IpcResult blocked_result(thread::Tcb* self);

/// Runs the receive phase of `tcb` (its own CPU, `tcb` current or blocked):
/// takes a matching queued sender or starts waiting. False when it failed at
/// once (zero timeout, partner missing); the reason is then in m_wake.
/// `partner_known`: the thread it receives from was just found (a Call's send
/// phase went through at once), so it is not looked up again.
bool enter_receive_phase(thread::Tcb* tcb, bool partner_known = false);

}  // namespace ipc
