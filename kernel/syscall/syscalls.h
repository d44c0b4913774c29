// syscalls.h: the L4 X.2 system calls, independent of how their arguments
// arrive in registers (arch/ia32/syscall/syscall_abi.cc decodes the IA32 convention
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

namespace syscall {

struct IpcResult {
    api::ThreadId from;
    api::MsgTag tag;
    api::Word mr1;
    api::Word mr2;
};
IpcResult ipc(api::ThreadId to, api::ThreadId from_spec, api::Timeouts timeouts, api::MsgTag mr0);

/// Returns 1 on success, 0 on failure (ErrorCode says why).
api::Word thread_control(api::ThreadId dest, api::ThreadId space_specifier, api::ThreadId scheduler, api::ThreadId pager,
                    api::Word utcb_location);

struct SpaceControlResult {
    api::Word result;
    api::Word control;
};
SpaceControlResult space_control(api::ThreadId space_specifier, api::Word control, api::Fpage kip_area, api::Fpage utcb_area,
                                 api::ThreadId redirector);

struct ExchangeRegisters {
    api::ThreadId dest;
    api::Word control;
    api::Word sp;
    api::Word ip;
    api::Word flags;
    api::Word user_handle;
    api::ThreadId pager;
};
/// In: the new values; out: the old ones, `dest` = the thread's id (nil on error).
ExchangeRegisters exchange_registers(const ExchangeRegisters& in);

struct ScheduleResult {
    api::Word result;  ///< the thread's old state (X.2 Schedule result), 0 on error
    api::Word time_control;
};
ScheduleResult schedule(api::ThreadId dest, api::Word time_control, api::Word processor_control, api::Word prio_control,
                        api::Word preemption_control);

void thread_switch(api::ThreadId dest);

/// Unmap: fpages in MR0..MRk of the caller's UTCB; the access status comes back in them.
/// `mr0` is MR0 as passed in its register; returns MR0 as it is after.
api::Word unmap(api::Word control, api::Word mr0);

uint64_t system_clock();

api::Word processor_control(api::Word processor, api::Word internal_frequency, api::Word external_frequency, api::Word voltage);
api::Word memory_control(api::Word control, const api::Word attributes[4]);

struct KernelInterface {
    api::Word kip_address;
    api::Word api_version;
    api::Word api_flags;
    api::Word kernel_id;
};
KernelInterface kernel_interface();

}  // namespace syscall
