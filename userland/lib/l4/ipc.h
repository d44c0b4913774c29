// ipc.h: the Ipc and Lipc system calls, and the usual shapes of an IPC.
//
// One Ipc has a send phase (to `to`, unless nil) and then a receive phase (from
// `from_specifier`: a thread, any(), any_local(), or nil for none). The message is
// in the caller's message registers: MR0 the tag (api::MsgTag), then the untyped
// words, then the typed items. On return MR0 holds the received tag, whose E flag says
// the Ipc failed (ErrorCode in the UTCB says why, api::IpcErrorCode).
//
// IA32 register convention at the KIP stub (X2-ABI-NOTES.md):
//   in:  EAX to, ECX timeouts, EDX FromSpecifier, ESI MR0, EDI UTCB pointer
//   out: EAX from, ESI MR0, EBX MR1, EBP MR2 (this library stores MR1 and MR2 back)
//
// Set the message registers first (set_mr, load_message in message.h), then call.
#pragma once

#include "api/msg_tag.h"
#include "api/thread_id.h"
#include "api/time.h"
#include "l4/utcb.h"

namespace l4 {

using api::MsgTag;
using api::ThreadId;
using api::Time;
using api::Timeouts;

/// The Ipc system call. `from` (may be null) receives the sender of the received message.
MsgTag ipc(ThreadId to, ThreadId from_specifier, Timeouts timeouts, ThreadId* from);
/// The Lipc system call: an Ipc between threads of one space (local ids only).
MsgTag lipc(ThreadId to, ThreadId from_specifier, Timeouts timeouts, ThreadId* from);

[[nodiscard]] inline bool ipc_failed(MsgTag tag) { return tag.has(api::MsgFlag::Error); }

inline MsgTag send(ThreadId to, Time timeout = Time::never()) {
    return ipc(to, ThreadId::nil(), Timeouts::make(timeout, Time::never()), nullptr);
}
inline MsgTag receive(ThreadId from_specifier, ThreadId* from = nullptr, Time timeout = Time::never()) {
    return ipc(ThreadId::nil(), from_specifier, Timeouts::make(Time::never(), timeout), from);
}
/// Send to `to` and wait for its answer only.
inline MsgTag call(ThreadId to, Time send_timeout = Time::never(), Time receive_timeout = Time::never()) {
    return ipc(to, to, Timeouts::make(send_timeout, receive_timeout), nullptr);
}
/// A server's reply to `to` and wait for the next request from anybody: the reply
/// does not wait (zero send timeout), so a client that left cannot block the server.
inline MsgTag reply_wait(ThreadId to, ThreadId* from) {
    return ipc(to, ThreadId::any(), Timeouts::make(Time::zero(), Time::never()), from);
}
/// Block for `period` (Time::never(): for ever). Receives from oneself, which no
/// message can come from.
MsgTag sleep(Time period);
[[noreturn]] void sleep_forever();

}  // namespace l4
