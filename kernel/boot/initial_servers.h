// initial_servers.h: loading and starting sigma0 and the root task.
#pragma once

#include <stdint.h>

#include "platform/multiboot.h"

namespace boot {

/// Gets the kernel ready for threads and address spaces: freezes the kernel's
/// page directory entries, maps the TCB array, builds the KIP. Once, at boot,
/// after the other CPUs are up and before the self-tests.
void prepare_user_level(uint32_t boot_info_phys);

/// Starts sigma0 and the root task from multiboot modules 0 and 1, as
/// docs/user-boot.md describes. Their threads are queued on this CPU;
/// start_scheduling() runs them. False, with the reason on the console, when
/// there is nothing (or nothing usable) to start.
bool start_initial_servers(const platform::BootInfo& boot);

}  // namespace boot
