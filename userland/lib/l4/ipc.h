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

namespace detail {

/// The KIP's Ipc and Lipc stub addresses (ipc.cc), filled before main and
/// before any constructor: crt0's program start calls find_ipc_stubs() first
/// (runtime.cc, os/os.cc), so an IPC does not test them.
extern Word g_ipc_stub;
extern Word g_lipc_stub;
/// Looks both stubs up in the KIP and stores them above.
void find_ipc_stubs();

/// An Ipc or Lipc through the stub whose address is in `Stub`, inline: the
/// kernel's fast path takes under two hundred instructions, and a call into the
/// library with its frame and argument copies would add a fifth. All six free
/// registers carry the ABI's arguments, so the stub is called through its
/// global (an absolute address; user programs are not position-independent).
/// EBP is the frame pointer and comes back as MR2, so it is saved by hand.
template <Word& Stub>
[[gnu::always_inline]] inline MsgTag ipc_through(ThreadId to, ThreadId from_specifier, Timeouts timeouts,
                                                 ThreadId* from) {
    Word* mrs = utcb_pointer();
    Word mr0 = mrs[0];
    Word eax = to.raw();
    Word ecx = timeouts.raw();
    Word edx = from_specifier.raw();
    Word* edi = mrs;
    Word mr1;
    asm volatile(
        "pushl %%ebp\n\t"
        "call *%[stub]\n\t"
        "movl %%ebp, %%ecx\n\t"
        "popl %%ebp"
        : "+S"(mr0), "+a"(eax), "=b"(mr1), "+c"(ecx), "+d"(edx), "+D"(edi)
        : [stub] "m"(Stub)
        : "memory", "cc");
    mrs[0] = mr0;
    if (!from_specifier.is_nil()) {
        mrs[1] = mr1;
        mrs[2] = ecx;
        if (from != nullptr) *from = ThreadId::from_raw(eax);
    }
    return MsgTag::from_raw(mr0);
}

}  // namespace detail

/// The Ipc system call. `from` (may be null) receives the sender of the received message.
inline MsgTag ipc(ThreadId to, ThreadId from_specifier, Timeouts timeouts, ThreadId* from) {
    return detail::ipc_through<detail::g_ipc_stub>(to, from_specifier, timeouts, from);
}

/// The Lipc system call: an Ipc between threads of one space (local ids only).
inline MsgTag lipc(ThreadId to, ThreadId from_specifier, Timeouts timeouts, ThreadId* from) {
    return detail::ipc_through<detail::g_lipc_stub>(to, from_specifier, timeouts, from);
}

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
