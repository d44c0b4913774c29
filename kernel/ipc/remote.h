// remote.h: requests between CPUs about threads (cross-CPU IPC and remote
// thread operations).
//
// Every thread belongs to one CPU, and only that CPU changes its state
// (thread/tcb.h). When a thread on CPU a must act on a thread of CPU b, CPU a
// posts a request into b's inbox and raises a cross-call IPI. CPU b handles
// its inbox at its next safe point: on its way back to user mode, in its idle
// loop, and whenever a thread blocks. Requests are handled in the order they
// were posted from one CPU, so an answer never overtakes an earlier request.
//
// The request objects live in the TCBs (no allocation): each thread has one
// for what it asks (m_request: Deliver, CancelSend, RunOp), one for the
// acknowledgement that its send was queued (m_ack), one for the final answer
// (m_reply: SendDone, OpDone) and one for its migration (m_adopt). Each is in
// flight at most once at a time, which the protocol guarantees: CancelSend
// is only posted after Queued came back, and its answer CancelDone comes back
// in m_ack; SendDone is posted once per send, by whichever of receive, cancel
// or deletion takes the sender off the list. A send can end (the receiver
// took the sender) while its CancelSend is still on the way: the sender then
// waits for CancelDone before m_request carries anything else
// (ipc::await_request). A request names its subject
// thread by pointer and global id; when the subject moved to another CPU in
// the meantime, the handler forwards the request there, and when the thread
// is gone, the handler answers as L4 says for a missing partner.
//
//   sender S on CPU a                         receiver R on CPU b
//   Ipc(to R): R is remote
//   post Deliver(S->R) to b, S blocks   --->  R waiting for S? copy, R ready,
//                                              post SendDone(S, ok) to a
//                                        or    queue S in R's senders; later
//                                              R's receive copies, posts
//   S ready (or on to its receive      <---    SendDone(S, ok) to a
//   phase, for a Call)
#pragma once

#include <stdint.h>

#include "api/thread_id.h"
#include "api/word.h"

namespace thread {
class Tcb;
}

namespace ipc {

enum class RequestKind : uint8_t {
    Deliver,     ///< origin wants to send to subject
    Queued,      ///< to the sender's CPU: it waits in the receiver's senders list now
    SendDone,    ///< to the sender's CPU: its send phase ended (result in `status`)
    CancelSend,  ///< origin's send timed out or was aborted: take it off subject's queue
    CancelDone,  ///< to the sender's CPU (in its m_ack): its CancelSend was handled
    Adopt,       ///< subject migrated to this CPU: take it in
    RunOp,       ///< run `op` for origin on subject's CPU, then OpDone
    OpDone,      ///< to origin's CPU: `op` ran
};

struct RemoteRequest;
using RemoteOp = void (*)(RemoteRequest& request);

struct RemoteRequest {
    RequestKind kind = RequestKind::Deliver;
    uint8_t status = 0;                 // thread::WakeReason of an answer
    thread::Tcb* subject = nullptr;     // the thread the request is about
    api::ThreadId subject_id;
    thread::Tcb* origin = nullptr;      // the thread that asked
    RemoteOp op = nullptr;              // RunOp: the operation
    api::Word args[8] = {};             // RunOp: arguments and results
    RemoteRequest* next = nullptr;      // inbox link
};

/// Blocks the running thread `self` until its m_request is free to carry a
/// new request about `partner` (its CancelSend, if one is out, came back as
/// CancelDone). False if `partner` was deleted meanwhile.
[[nodiscard]] bool await_request(thread::Tcb* self, thread::Tcb* partner);

/// Appends `request` to CPU `cpu`'s inbox and interrupts that CPU.
void post(unsigned cpu, RemoteRequest& request);

/// Hands thread `tcb` to CPU `cpu` (thread/migration.cc): sets its CPU and
/// appends its Adopt request under `cpu`'s inbox lock, in one step. Another
/// CPU that reads the new CPU and posts a request about the thread there
/// takes that lock after us, so `cpu` always adopts the thread before it
/// handles anything else about it (a Schedule that moves it on, a Deliver).
void post_adopt(unsigned cpu, thread::Tcb* tcb);

/// How many of the requests that live in thread number `number`'s TCB are
/// posted and not yet handled to the end (waiting in an inbox, being handled
/// or forwarded). While it is not 0, another CPU may still write into that
/// TCB (a request's link, an answer's fields): Lab 3's TCB move waits for 0
/// (thread/tcb_migrate.h, "quiet").
unsigned requests_in_flight(api::Word number);

/// Handles every request in this CPU's inbox (safe points only, interrupts off)
/// and returns true; with `current`, the CPU's current thread (running, or
/// blocked with the CPU waiting on its stack: thread/scheduler.cc), stops
/// before an operation on that thread (RunOp: ThreadControl,
/// ExchangeRegisters, Schedule from another CPU) and returns false: the CPU
/// switches to its idle thread first, so the operation finds the thread
/// switched out (a deletion frees the thread, its UTCB location and, with its
/// last thread, its space before the answer goes back).
bool handle_inbox(const thread::Tcb* current = nullptr);

/// Whether this CPU's inbox has requests.
bool inbox_pending();

}  // namespace ipc
