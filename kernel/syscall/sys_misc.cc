// sys_misc.cc: SystemClock, ProcessorControl, MemoryControl and the
// KernelInterface trap.
//
// ProcessorControl (frequency and voltage) and MemoryControl (cache
// attributes of pages) have nothing to control under QEMU: both check the
// caller's privilege and their arguments and then succeed without effect.
#include "api/kip.h"
#include "boot/kip_page.h"
#include "syscall/sys_common.h"
#include "syscall/syscalls.h"
#include "mm/space.h"
#include "platform/machine.h"
#include "thread/scheduler.h"

namespace syscall {

using namespace api;  // the X.2 types every system call decodes

uint64_t system_clock() { return thread::clock_us(); }

Word processor_control(Word processor, Word internal_frequency, Word external_frequency, Word voltage) {
    if (!caller_privileged()) return fail(Error::NoPrivilege);
    if (processor >= platform::machine_topology().num_cpus) return fail(Error::InvalidParam);
    return 1;
}

Word memory_control(Word control, const Word attributes[4]) {
    if (!caller_privileged()) return fail(Error::NoPrivilege);
    // control: bits 5..0 the index of the last fpage in MR0.., the rest must be 0.
    if ((control & ~low_mask(6)) != 0) return fail(Error::InvalidParam);
    return 1;
}

KernelInterface kernel_interface() {
    const KernelInterfacePage* kip = boot::kip_page();
    return KernelInterface{caller()->m_space->kip_area().address(), kip->api_version.raw(), kip->api_flags.raw(),
                           boot::kip_kernel_id()};
}

}  // namespace syscall
