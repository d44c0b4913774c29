// kip_page.h: the kernel interface page (KIP) this kernel shows every space.
//
// One physical page, built at boot and mapped read-only at each space's KIP
// area (SpaceControl). Its layout is X.2's (kip.h); what Proxima puts where:
//
//   0x000  the fixed part (kip.h): versions, sigma0/root-server images,
//          MemoryInfo, UtcbInfo, ThreadInfo, system-call stub offsets ...
//   0x200  processor descriptors, 16 bytes per CPU (word 3: the CPU's node)
//   0x600  kernel descriptor, version string, feature strings
//   0x700  memory descriptors, 8 bytes each (up to kMaxMemoryDescriptors)
//   0xE00  system-call stubs: `int $vector; ret`, 16 bytes apart
#pragma once

#include <stdint.h>

#include "api/kip.h"
#include "api/kip_descriptors.h"

namespace boot {

inline constexpr unsigned kMaxMemoryDescriptors = 200;

/// Thread numbers: below kSystemBase interrupts, kUserBase the first user thread (sigma0).
inline constexpr api::Word kSystemBase = 16;
inline constexpr api::Word kUserBase = 32;

/// Builds the page (once, at boot, after the topology is known).
void build_kip(api::Word boot_info_phys);

/// Appends a memory descriptor; false when the table is full.
bool add_memory_descriptor(api::MemoryDescriptor descriptor);

/// Records where the kernel loaded sigma0 (which = 0) or the root task (which = 2).
void set_root_server(unsigned which, api::Word ip, api::Word low, api::Word high);

const api::KernelInterfacePage* kip_page();
uint64_t kip_page_phys();
api::Word kip_kernel_id();

}  // namespace boot
