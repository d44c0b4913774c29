// thread.h: the thread system calls: ThreadControl, ExchangeRegisters, ThreadSwitch,
// Schedule.
//
// IA32 register conventions at the KIP stubs (Pistachio user/include/l4/ia32/syscalls.h):
//   ThreadControl      in EAX dest, ECX pager, EDX scheduler, ESI space, EDI UTCB location
//                      out EAX result (1 ok, 0 error: see ErrorCode)
//   ExchangeRegisters  in/out EAX dest/result, ECX control, EDX SP, ESI IP, EDI flags,
//                      EBX UserDefinedHandle, EBP pager
//   ThreadSwitch       in EAX dest
//   Schedule           in EAX dest, ECX prio, EDX time control, ESI processor control,
//                      EDI preemption control; out EAX result (thread state), EDX old
//                      time control
#pragma once

#include "api/thread_id.h"
#include "api/word.h"

namespace l4 {

using api::ThreadId;
using api::Word;

/// ThreadControl: create, modify or delete `dest`. UtcbLocation ~0 means "no change".
/// Returns 1 on success, 0 on error (error_code() in utcb.h says which).
Word thread_control(ThreadId dest, ThreadId space, ThreadId scheduler, ThreadId pager, Word utcb_location);

inline constexpr Word kNoChange = ~Word{0};

/// ExchangeRegisters control bits (X.2).
namespace exreg {
inline constexpr Word kHalt = 1 << 0;          ///< h: the new halt flag (with kHaltFlag)
inline constexpr Word kCancelReceive = 1 << 1; ///< r
inline constexpr Word kCancelSend = 1 << 2;    ///< s
inline constexpr Word kSetSp = 1 << 3;
inline constexpr Word kSetIp = 1 << 4;
inline constexpr Word kSetFlags = 1 << 5;
inline constexpr Word kSetUserHandle = 1 << 6;
inline constexpr Word kSetPager = 1 << 7;
inline constexpr Word kHaltFlag = 1 << 8;      ///< H: set the halt flag to h
inline constexpr Word kDeliver = 1 << 9;       ///< d: return the current values
/// Returned control word: the thread was halted / receiving / sending.
inline constexpr Word kStateHalted = 1 << 0;
inline constexpr Word kStateReceiving = 1 << 1;
inline constexpr Word kStateSending = 1 << 2;
}  // namespace exreg

/// The registers ExchangeRegisters reads and writes; on return they hold the old values.
struct ThreadRegisters {
    Word control = 0;
    Word sp = 0;
    Word ip = 0;
    Word flags = 0;
    Word user_handle = 0;
    ThreadId pager = ThreadId::nil();
};

/// ExchangeRegisters: returns the other id of `dest` (local for global and vice
/// versa), or nil on error.
ThreadId exchange_registers(ThreadId dest, ThreadRegisters& regs);

/// ThreadSwitch: give the rest of the time slice to `dest` (nil: to anybody).
void thread_switch(ThreadId dest);

/// Schedule results (X.2): 0 error, then the thread's state.
namespace schedule_result {
inline constexpr Word kError = 0;
inline constexpr Word kDead = 1;
inline constexpr Word kInactive = 2;
inline constexpr Word kRunning = 3;
inline constexpr Word kPendingSend = 4;
inline constexpr Word kSending = 5;
inline constexpr Word kWaiting = 6;
inline constexpr Word kReceiving = 7;
}  // namespace schedule_result

/// Schedule: pass kNoChange for a parameter to leave it. `old_time_control` may be null.
Word schedule(ThreadId dest, Word time_control, Word processor_control, Word prio_control,
              Word preemption_control, Word* old_time_control = nullptr);

/// Schedule that only moves `dest` to processor `cpu`. A thread that moves
/// itself is on `cpu` when this returns; another thread moves at once if it
/// is blocked, and otherwise when it is next switched out (it blocks, or its
/// time slice ends), so that it runs on each CPU it is moved to
/// (docs/kernel-core.md).
inline Word set_processor(ThreadId dest, Word cpu) {
    return schedule(dest, kNoChange, cpu, kNoChange, kNoChange);
}
/// Schedule that only sets `dest`'s priority.
inline Word set_priority(ThreadId dest, Word prio) {
    return schedule(dest, kNoChange, kNoChange, prio, kNoChange);
}

}  // namespace l4
