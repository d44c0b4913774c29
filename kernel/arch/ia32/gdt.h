// gdt.h: each CPU's global descriptor table and task-state segment.
//
// Every CPU has its own GDT so that two entries can differ per CPU:
//  - the TSS, which holds the kernel stack the CPU switches to when an
//    interrupt arrives in user mode (ESP0) and, later, the IO permission bitmap;
//  - the CPU-local data segment loaded into FS in the kernel, whose base is
//    this CPU's CpuLocal block: arch::cpu_index() is a single `mov %fs:0`.
// The selectors (layout.h) are the same on every CPU.
#pragma once

#include <stdint.h>

#include "arch/ia32/layout.h"

namespace ia32 {

/// The 32-bit TSS (Intel SDM vol. 3, 8.2.1). We use only ESP0/SS0 and the IO
/// map base; hardware task switching is not used.
struct [[gnu::packed]] Tss {
    uint32_t link;
    uint32_t esp0;
    uint32_t ss0;
    uint32_t unused[22];
    uint16_t trap;
    uint16_t iomap_base;
};
static_assert(sizeof(Tss) == 104);

/// What FS points at in the kernel: the first word is the CPU's logical number.
struct CpuLocal {
    unsigned index;  // must stay first: arch::cpu_index() reads %fs:0
    uint32_t apic_id;
};
static_assert(__builtin_offsetof(CpuLocal, index) == 0);

class Gdt {
public:
    /// Fills the table for CPU `cpu` and loads GDTR, TR and all segment
    /// registers (the boot loader's selectors are not ours).
    void install(unsigned cpu, uint32_t apic_id, uintptr_t kernel_stack_top);

    void set_kernel_stack(uintptr_t top) { m_tss.esp0 = top; }

private:
    static constexpr unsigned kEntries = 8;  // selectors up to 0x38 (layout.h)
    uint64_t m_entries[kEntries];
    Tss m_tss;
    CpuLocal m_local;
};

}  // namespace ia32
