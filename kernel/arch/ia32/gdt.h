// gdt.h: each CPU's global descriptor table and task-state segment.
//
// Every CPU has its own GDT so that two entries can differ per CPU:
//  - the TSS, which holds the kernel stack the CPU switches to when an
//    interrupt arrives in user mode (ESP0) and the IO permission bitmap of the
//    address space running there (X.2 IO fpages, see mm/io_space.h);
//  - the UTCB segment loaded into GS in user mode: its base is the running
//    thread's UTCB location, whose first word holds the UTCB pointer, so user
//    code finds its UTCB with `mov %gs:0` (X.2 IA32);
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

/// The IO permission bitmap behind the TSS (Intel SDM vol. 3, 19.5.2): bit p
/// clear = ring 3 may use port p. The byte after the map must be all ones.
inline constexpr unsigned kIoBitmapBytes = 65536 / 8;

class Gdt {
public:
    /// Fills the table for CPU `cpu` and loads GDTR, TR and all segment
    /// registers (the boot loader's selectors are not ours).
    void install(unsigned cpu, uint32_t apic_id, uintptr_t kernel_stack_top);

    void set_kernel_stack(uintptr_t top) { m_tss.esp0 = top; }

    /// The descriptor of a UTCB segment at `base`, for set_utcb_segment().
    static uint64_t utcb_descriptor(uintptr_t base);
    /// Points the UTCB segment (SEL_UTCB) at a UTCB: `descriptor` is
    /// utcb_descriptor(its base). Takes effect when GS is next loaded, which
    /// the return to user mode does.
    void set_utcb_segment(uint64_t descriptor);

    /// Lets ring 3 use exactly the ports whose bits are clear in `bitmap`
    /// (kIoBitmapBytes long), or no port at all when `bitmap` is null.
    void load_io_bitmap(const uint8_t* bitmap);
    /// No port for ring 3, keeping the bitmap loaded last behind the TSS.
    void disable_io_bitmap();
    /// The bitmap loaded last applies again (no copy).
    void enable_io_bitmap();

private:
    static constexpr unsigned kEntries = 8;  // selectors up to 0x38 (layout.h)
    uint64_t m_entries[kEntries];
    CpuLocal m_local;
    // The TSS and its IO bitmap must stay together and in this order: the
    // bitmap is found at TSS base + iomap_base, and the TSS limit covers it.
    Tss m_tss;
    uint8_t m_io_bitmap[kIoBitmapBytes];
    [[maybe_unused]] uint8_t m_io_bitmap_end = 0xFF;  // read by the CPU, never by us
};

}  // namespace ia32
