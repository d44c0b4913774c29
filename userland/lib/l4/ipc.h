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
#include "l4/kip.h"
#include "l4/utcb.h"

namespace l4 {

using api::MsgTag;
using api::ThreadId;
using api::Time;
using api::Timeouts;

namespace detail {

// The two stubs' addresses, looked up in the KIP once: an IPC costs a few dozen
// instructions in the kernel's fast path, and the lookup would be a good part of
// it (every thread that races to fill one stores the same value).
inline Word g_ipc_stub;
inline Word g_lipc_stub;

// Inline, so that a call's arguments go straight into the registers. The stub
// address is fetched through EDI, which then becomes the UTCB pointer: all other
// registers carry arguments. EBP is the frame pointer, so it is saved by hand.
inline MsgTag ipc_through(Word stub_address, ThreadId to, ThreadId from_specifier, Timeouts timeouts,
                          ThreadId* from) {
    Word* mrs = utcb_pointer();
    Word indirect[2] = {reinterpret_cast<Word>(mrs), stub_address};
    Word* pointer = indirect;
    Word mr0 = mrs[0];
    Word eax = to.raw();
    Word ecx = timeouts.raw();
    Word edx = from_specifier.raw();
    Word mr1;
    asm volatile(
        "pushl %%ebp\n\t"
        "movl 4(%%edi), %%ebx\n\t"
        "movl (%%edi), %%edi\n\t"
        "call *%%ebx\n\t"
        "movl %%ebp, %%ecx\n\t"
        "popl %%ebp"
        : "+S"(mr0), "+a"(eax), "=b"(mr1), "+c"(ecx), "+d"(edx), "+D"(pointer)
        :
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
    if (detail::g_ipc_stub == 0) detail::g_ipc_stub = stub(kip().ipc);
    return detail::ipc_through(detail::g_ipc_stub, to, from_specifier, timeouts, from);
}
/// The Lipc system call: an Ipc between threads of one space (local ids only).
inline MsgTag lipc(ThreadId to, ThreadId from_specifier, Timeouts timeouts, ThreadId* from) {
    if (detail::g_lipc_stub == 0) detail::g_lipc_stub = stub(kip().lipc);
    return detail::ipc_through(detail::g_lipc_stub, to, from_specifier, timeouts, from);
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
