// kip.h: finding the kernel: the kernel interface page (KIP) and the `lock; nop` trap.
//
// `lock; nop` is an invalid instruction that the kernel turns into a query: it returns
// the KIP's address in this space in EAX, the API version in ECX, the API flags in EDX
// and the kernel id in ESI (docs/user-boot.md). Everything else a program needs to find
// (system-call stubs, thread-number ranges, processors, memory descriptors) is in the
// KIP, whose layout kernel/api/kip.h describes.
//
// kip() asks once per address space and keeps the answer: every thread of a space sees
// the KIP at the same address.
#pragma once

#include "api/kip.h"
#include "api/kip_descriptors.h"
#include "api/thread_id.h"
#include "api/word.h"

namespace l4 {

using api::Word;

/// What `lock; nop` returns.
struct KernelInterface {
    const api::KernelInterfacePage* kip;
    Word api_version;
    Word api_flags;
    Word kernel_id;
};

/// Executes `lock; nop` (every call traps into the kernel).
[[nodiscard]] KernelInterface kernel_interface();

/// The KIP of this address space (cached after the first call).
[[nodiscard]] const api::KernelInterfacePage& kip();

/// The KIP's base address as a number, for stub and descriptor offsets.
[[nodiscard]] inline Word kip_base() { return reinterpret_cast<Word>(&kip()); }

/// The address of a system-call stub, from its KIP offset word (kip().ipc etc.).
[[nodiscard]] inline Word stub(Word kip_offset) { return kip_base() + kip_offset; }

/// Memory descriptor `i` (0 .. kip().memory_info.count() - 1).
[[nodiscard]] api::MemoryDescriptor memory_descriptor(Word i);

/// Number of processors the kernel runs on (ProcessorInfo).
[[nodiscard]] inline Word processor_count() { return kip().processor_info.processors(); }

/// The NUMA node of processor `cpu`: word 3 of its processor descriptor
/// (docs/kip-numa.md); 0 for a CPU out of range or a KIP without the extension.
[[nodiscard]] unsigned processor_node(Word cpu);
/// The NUMA node whose memory holds physical address `physical`, from the KIP's
/// ProximaNode descriptors (docs/kip-numa.md); ~0 if none holds it.
[[nodiscard]] unsigned node_of_physical(Word physical);
/// Bytes of memory the KIP's ProximaNode descriptors give `node` (0: none).
[[nodiscard]] uint64_t node_memory_bytes(unsigned node);

/// The global ids of the initial threads: sigma0 (UserBase, 1), root task (UserBase + 2, 1).
[[nodiscard]] inline api::ThreadId sigma0_id() {
    return api::ThreadId::global(kip().thread_info.user_base(), 1);
}
[[nodiscard]] inline api::ThreadId root_task_id() {
    return api::ThreadId::global(kip().thread_info.user_base() + 2, 1);
}

}  // namespace l4
