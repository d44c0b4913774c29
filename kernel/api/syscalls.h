// syscalls.h: the L4 X.2 system calls, independent of how their arguments
// arrive in registers (arch/ia32/syscall_abi.cc decodes the IA32 convention
// and calls these for the running thread).
//
// Each call is split as the style guide asks: decode (check every argument,
// return an X.2 error) and invoke (act). Arguments come from user space and
// are never trusted: a bad one sets the caller's ErrorCode TCR and returns
// the call's failure value; it never stops the kernel.
//
// Files: sys_ipc.cc (Ipc, Lipc), sys_thread_control.cc, sys_space_control.cc,
// sys_exchange_registers.cc, sys_schedule.cc (Schedule, ThreadSwitch),
// sys_unmap.cc, sys_misc.cc (SystemClock, ProcessorControl, MemoryControl,
// KernelInterface).
#pragma once

#include <stdint.h>

#include "api/fpage.h"
#include "api/msg_tag.h"
#include "api/thread_id.h"
#include "api/time.h"
#include "api/word.h"

namespace api::sys {

struct IpcResult {
    ThreadId from;
    MsgTag tag;
    Word mr1;
    Word mr2;
};
IpcResult ipc(ThreadId to, ThreadId from_spec, Timeouts timeouts, MsgTag mr0);

/// Returns 1 on success, 0 on failure (ErrorCode says why).
Word thread_control(ThreadId dest, ThreadId space_specifier, ThreadId scheduler, ThreadId pager,
                    Word utcb_location);

struct SpaceControlResult {
    Word result;
    Word control;
};
SpaceControlResult space_control(ThreadId space_specifier, Word control, Fpage kip_area, Fpage utcb_area,
                                 ThreadId redirector);

struct ExchangeRegisters {
    ThreadId dest;
    Word control;
    Word sp;
    Word ip;
    Word flags;
    Word user_handle;
    ThreadId pager;
};
/// In: the new values; out: the old ones, `dest` = the thread's id (nil on error).
ExchangeRegisters exchange_registers(const ExchangeRegisters& in);

struct ScheduleResult {
    Word result;  ///< the thread's old state (X.2 Schedule result), 0 on error
    Word time_control;
};
ScheduleResult schedule(ThreadId dest, Word time_control, Word processor_control, Word prio_control,
                        Word preemption_control);

void thread_switch(ThreadId dest);

/// Unmap: fpages in MR0..MRk of the caller's UTCB; the access status comes back in them.
/// `mr0` is MR0 as passed in its register; returns MR0 as it is after.
Word unmap(Word control, Word mr0);

uint64_t system_clock();

Word processor_control(Word processor, Word internal_frequency, Word external_frequency, Word voltage);
Word memory_control(Word control, const Word attributes[4]);

struct KernelInterface {
    Word kip_address;
    Word api_version;
    Word api_flags;
    Word kernel_id;
};
KernelInterface kernel_interface();

}  // namespace api::sys
