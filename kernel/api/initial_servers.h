// initial_servers.h: loading and starting sigma0 and the root task.
#pragma once

#include <stdint.h>

#include "platform/multiboot.h"

namespace api {

/// Prepares the user level (KIP, TCB array) and starts sigma0 and the root
/// task from multiboot modules 0 and 1, as docs/user-boot.md describes. Their
/// threads are queued on this CPU; start_scheduling() runs them. False, with
/// the reason on the console, when there is nothing (or nothing usable) to start.
bool start_initial_servers(const platform::BootInfo& boot, uint32_t boot_info_phys);

}  // namespace api
