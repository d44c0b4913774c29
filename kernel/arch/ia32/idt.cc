// idt.cc: filling and loading the IDT (see idt.h).
#include "arch/ia32/idt.h"

#include <stdint.h>

#include "arch/ia32/layout.h"

extern "C" char trap_stubs[];
extern "C" char ipc_entry[];
extern "C" char lipc_entry[];

namespace ia32 {
namespace {

// An interrupt gate (Intel SDM vol. 3, 6.11), 8 bytes:
//   63..48 offset 31..16 | 47 P | 46..45 DPL | 44..40 01110 (32-bit interrupt gate)
//   31..16 segment selector | 15..0 offset 15..0
// An interrupt gate clears EFLAGS.IF on entry: handlers run with interrupts off.
constexpr uint64_t interrupt_gate(uint32_t offset, unsigned dpl) {
    return (uint64_t(offset & 0xFFFF)) | (uint64_t(SEL_KERNEL_CODE) << 16) |
           (uint64_t(0x8E | (dpl << 5)) << 40) | (uint64_t(offset >> 16) << 48);
}

constexpr unsigned kStubSize = 16;
constexpr unsigned kVectorBreakpoint = 3;

alignas(8) uint64_t g_idt[256];

struct [[gnu::packed]] DescriptorPointer {
    uint16_t limit;
    uint32_t base;
};

}  // namespace

void build_idt() {
    for (unsigned v = 0; v < 256; ++v) {
        uint32_t stub = uint32_t(uintptr_t(trap_stubs)) + v * kStubSize;
        // User code may raise int3 (the kdebug interface) and the system-call vectors.
        bool user_gate = v == kVectorBreakpoint ||
                         (v >= VECTOR_SYSCALL_FIRST && v < VECTOR_SYSCALL_FIRST + VECTOR_SYSCALL_COUNT);
        g_idt[v] = interrupt_gate(stub, user_gate ? 3 : 0);
    }
}

void route_ipc_vectors(bool on) {
    const char* entries[2] = {ipc_entry, lipc_entry};
    for (unsigned i = 0; i < 2; ++i) {
        unsigned v = VECTOR_SYSCALL_FIRST + 4 + i;
        uint32_t stub = uint32_t(uintptr_t(trap_stubs)) + v * kStubSize;
        g_idt[v] = interrupt_gate(on ? uint32_t(uintptr_t(entries[i])) : stub, 3);
    }
}

void load_idt() {
    DescriptorPointer idtr{sizeof(g_idt) - 1, uint32_t(uintptr_t(g_idt))};
    asm volatile("lidt %0" ::"m"(idtr));
}

}  // namespace ia32
