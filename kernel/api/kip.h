// kip.h: the layout of the L4 X.2 kernel interface page (KIP) on IA32.
//
// The kernel maps one read-only page into every address space; user code finds it with
// `lock; nop` (EAX returns its address) and reads from it where the other kernel
// objects are and where the system-call stubs start. Offsets in the page:
//
//   0x00  magic "L4\xE6K" ("L4µK" in Latin-1)     0x04  ApiVersion     0x08  ApiFlags
//   0x0C  kernel descriptor offset (kip_descriptors.h)
//   0x10  kdebug init, entry, memory [low, high]  } set at boot in Pistachio; its
//   0x20  sigma0      sp, ip, memory [low, high]  } sigma0 reads the initial servers'
//   0x30  sigma1      sp, ip, memory [low, high]  } memory from here (whether X.2
//   0x40  root server sp, ip, memory [low, high]  } reserves these words: unverified)
//   0x50  reserved    0x54  MemoryInfo            0x58  kdebug config (2 words)
//   0x60  8 [low, high] pairs: main, 2 reserved, 5 dedicated memory regions
//         (the memory info of older L4 versions; Pistachio leaves them zero)
//   0xA0  reserved (2)   0xA8  UtcbInfo   0xAC  KipAreaInfo
//   0xB0  reserved (2)   0xB8  boot info  0xBC  processor descriptors offset
//   0xC0  ClockInfo      0xC4  ThreadInfo 0xC8  PageInfo     0xCC  ProcessorInfo
//   0xD0  SpaceControl   0xD4  ThreadControl  0xD8  ProcessorControl  0xDC MemoryControl
//   0xE0  Ipc            0xE4  Lipc           0xE8  Unmap             0xEC ExchangeRegisters
//   0xF0  SystemClock    0xF4  ThreadSwitch   0xF8  Schedule          0xFC reserved (5)
//   0x110 four architecture-specific system calls (unused on IA32)
//   0x120 end of the fixed part; Pistachio puts processor descriptors, the kernel
//         descriptor and the memory descriptors after it, in the same page.
//
// Every "offset" and every system-call word holds a byte offset from the start of the
// KIP, not an address: a user library jumps to kip + kip->ipc. The stubs themselves are
// code in the KIP page; how they enter the kernel is the kernel's business, their register
// convention is the ABI (X2-ABI-NOTES.md).
//
// Verified against Pistachio kernel/src/api/v4/kernelinterface.h (kernel_interface_page_t,
// root_server_t, the magic string {'L','4',230,'K'}), user/include/l4/kip.h (offset
// comments 0x10 .. 0x110, L4_MAGIC), api/v4/kernelinterface.cc (KIP_SYSCALL: stub minus
// KIP base) and user/serv/sigma0/sigma0_mem.cc (reads KIP words 6, 10, 14, 18).
#pragma once

#include <stddef.h>

#include "api/kip_info.h"
#include "api/word.h"

namespace api {

/// The magic word: bytes 'L', '4', 0xE6, 'K' in memory order.
inline constexpr Word kKipMagic = Word{'L'} | Word{'4'} << 8 | Word{0xE6} << 16 | Word{'K'} << 24;
static_assert(kKipMagic == 0x4BE6344C);

/// A physical memory region in the KIP, both ends inclusive (high = last byte).
struct KipMemRegion {
    Word low;
    Word high;
};

/// Where the kernel loaded one of the initial servers (physical addresses).
struct KipRootServer {
    Word sp;
    Word ip;
    KipMemRegion memory;
};

struct KernelInterfacePage {
    Word magic;
    ApiVersion api_version;
    ApiFlags api_flags;
    Word kernel_descriptor_offset;
    Word kdebug_init;
    Word kdebug_entry;
    KipMemRegion kdebug_memory;
    KipRootServer sigma0;
    KipRootServer sigma1;
    KipRootServer root_server;
    Word reserved0;
    MemoryInfo memory_info;
    Word kdebug_config[2];
    KipMemRegion legacy_memory[8];
    Word reserved1[2];
    UtcbInfo utcb_info;
    KipAreaInfo kip_area_info;
    Word reserved2[2];
    Word boot_info;
    Word processor_descriptors_offset;
    ClockInfo clock_info;
    ThreadInfo thread_info;
    PageInfo page_info;
    ProcessorInfo processor_info;
    // System-call stubs, as offsets from the KIP.
    Word space_control;
    Word thread_control;
    Word processor_control;
    Word memory_control;
    Word ipc;
    Word lipc;
    Word unmap;
    Word exchange_registers;
    Word system_clock;
    Word thread_switch;
    Word schedule;
    Word reserved3[5];
    Word arch_syscall[4];
};

static_assert(sizeof(KernelInterfacePage) == 0x120);
static_assert(offsetof(KernelInterfacePage, magic) == 0x00);
static_assert(offsetof(KernelInterfacePage, api_version) == 0x04);
static_assert(offsetof(KernelInterfacePage, api_flags) == 0x08);
static_assert(offsetof(KernelInterfacePage, kernel_descriptor_offset) == 0x0C);
static_assert(offsetof(KernelInterfacePage, kdebug_init) == 0x10);
static_assert(offsetof(KernelInterfacePage, kdebug_memory) == 0x18);
static_assert(offsetof(KernelInterfacePage, sigma0) == 0x20);
static_assert(offsetof(KernelInterfacePage, sigma0.memory) == 0x28);  // sigma0 reads KIP word 10
static_assert(offsetof(KernelInterfacePage, sigma1) == 0x30);
static_assert(offsetof(KernelInterfacePage, root_server) == 0x40);
static_assert(offsetof(KernelInterfacePage, reserved0) == 0x50);
static_assert(offsetof(KernelInterfacePage, memory_info) == 0x54);
static_assert(offsetof(KernelInterfacePage, kdebug_config) == 0x58);
static_assert(offsetof(KernelInterfacePage, legacy_memory) == 0x60);
static_assert(offsetof(KernelInterfacePage, reserved1) == 0xA0);
static_assert(offsetof(KernelInterfacePage, utcb_info) == 0xA8);
static_assert(offsetof(KernelInterfacePage, kip_area_info) == 0xAC);
static_assert(offsetof(KernelInterfacePage, boot_info) == 0xB8);
static_assert(offsetof(KernelInterfacePage, processor_descriptors_offset) == 0xBC);
static_assert(offsetof(KernelInterfacePage, clock_info) == 0xC0);
static_assert(offsetof(KernelInterfacePage, thread_info) == 0xC4);
static_assert(offsetof(KernelInterfacePage, page_info) == 0xC8);
static_assert(offsetof(KernelInterfacePage, processor_info) == 0xCC);
static_assert(offsetof(KernelInterfacePage, space_control) == 0xD0);
static_assert(offsetof(KernelInterfacePage, thread_control) == 0xD4);
static_assert(offsetof(KernelInterfacePage, processor_control) == 0xD8);
static_assert(offsetof(KernelInterfacePage, memory_control) == 0xDC);
static_assert(offsetof(KernelInterfacePage, ipc) == 0xE0);
static_assert(offsetof(KernelInterfacePage, lipc) == 0xE4);
static_assert(offsetof(KernelInterfacePage, unmap) == 0xE8);
static_assert(offsetof(KernelInterfacePage, exchange_registers) == 0xEC);
static_assert(offsetof(KernelInterfacePage, system_clock) == 0xF0);
static_assert(offsetof(KernelInterfacePage, thread_switch) == 0xF4);
static_assert(offsetof(KernelInterfacePage, schedule) == 0xF8);
static_assert(offsetof(KernelInterfacePage, reserved3) == 0xFC);
static_assert(offsetof(KernelInterfacePage, arch_syscall) == 0x110);

}  // namespace api
