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
//    this CPU's Gdt, which starts with its CpuLocal block: arch::cpu_index()
//    is a single `mov %fs:0`, and the switch to a thread's user context
//    writes the running CPU's TSS and UTCB descriptor with one FS-relative
//    instruction each, with no CPU number to find the table by (Running).
// The selectors (layout.h) are the same on every CPU.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "arch/ia32/layout.h"

namespace ia32 {

/// The 32-bit TSS (Intel SDM vol. 3, 8.2.1). We use only ESP0/SS0 and the IO
/// map base; hardware task switching is not used.
struct [[gnu::packed]] Tss {
    uint32_t link;  // 0 for ever: the sysenter entry pops it as its EFLAGS (save_frame.h)
    uint32_t esp0;
    uint32_t ss0;
    uint32_t unused[22];
    uint16_t trap;
    uint16_t iomap_base;
};
static_assert(sizeof(Tss) == 104);

/// The start of what FS points at in the kernel: the first word is the CPU's
/// logical number.
struct CpuLocal {
    unsigned index;  // must stay first: arch::cpu_index() reads %fs:0
    uint32_t apic_id;
    // The IO bitmap behind this CPU's TSS (user_context.cc): which version of
    // which space's bitmap it holds (a space's io_generation; 0: none), and
    // whether it applies now.
    uint32_t io_loaded_key;
    uint32_t io_enabled;
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

    /// The descriptor of a UTCB segment at `base`, for
    /// Running::set_utcb_segment().
    static uint64_t utcb_descriptor(uintptr_t base);

    /// Where `sysenter` puts ESP on this CPU (IA32_SYSENTER_ESP): the TSS's
    /// address, with ESP0 the word after it.
    uintptr_t sysenter_stack_top() const { return uintptr_t(&m_tss); }
    /// Lets ring 3 use exactly the ports whose bits are clear in `bitmap`
    /// (kIoBitmapBytes long), or no port at all when `bitmap` is null.
    void load_io_bitmap(const uint8_t* bitmap);

    /// The running CPU's own table, reached through FS: the kernel stack, the
    /// UTCB segment and the IO bitmap's state of the thread it runs.
    struct Running;

private:
    /// No port for ring 3, keeping the bitmap loaded last behind the TSS.
    void disable_io_bitmap();
    /// The bitmap loaded last applies again (no copy).
    void enable_io_bitmap();

    static constexpr unsigned kEntries = 8;  // selectors up to 0x38 (layout.h)
    static constexpr unsigned kSysenterStackBytes = 512;
    // iomap_base: where the bitmap is (right behind the TSS), or an offset
    // past the TSS limit, where the CPU finds none and refuses every port.
    static constexpr uint16_t kIoBitmapOn = sizeof(Tss);
    static constexpr uint16_t kIoBitmapOff = sizeof(Tss) + kIoBitmapBytes + 1;
    CpuLocal m_local;  // first: FS's base is the table itself
    uint64_t m_entries[kEntries];
    // The stack `sysenter` starts on (sysenter.h): it ends where the TSS
    // begins, so the entry pops the TSS's link word (its EFLAGS) and then
    // finds ESP0 at (%esp). Only a debug trap or an NMI that hits before the
    // first instruction uses it.
    [[maybe_unused]] uint8_t m_sysenter_stack[kSysenterStackBytes];
    // The TSS and its IO bitmap must stay together and in this order: the
    // bitmap is found at TSS base + iomap_base, and the TSS limit covers it.
    Tss m_tss;
    uint8_t m_io_bitmap[kIoBitmapBytes];
    [[maybe_unused]] uint8_t m_io_bitmap_end = 0xFF;  // read by the CPU, never by us
};

/// The running CPU's Gdt through FS, one instruction per field (the kernel's
/// FS segment starts at the table and covers all of it): what the switch to a
/// thread's user context writes on every IPC and thread switch.
struct Gdt::Running {
    /// ESP0: the stack the next interrupt or trap from user mode starts on.
    static void set_kernel_stack(uintptr_t top) { store<kTssEsp0>(top); }
    /// Points the UTCB segment (SEL_UTCB) at a UTCB: `descriptor` is
    /// utcb_descriptor(its base). Takes effect when GS is next loaded, which
    /// the return to user mode does.
    static void set_utcb_segment(uint64_t descriptor) {
        store<kUtcbDescriptor>(uint32_t(descriptor));
        store<kUtcbDescriptor + 4>(uint32_t(descriptor >> 32));
    }
    static uint32_t io_loaded_key() { return load<offsetof(Gdt, m_local) + offsetof(CpuLocal, io_loaded_key)>(); }
    static void set_io_loaded_key(uint32_t key) { store<offsetof(Gdt, m_local) + offsetof(CpuLocal, io_loaded_key)>(key); }
    static bool io_enabled() { return load<offsetof(Gdt, m_local) + offsetof(CpuLocal, io_enabled)>() != 0; }
    static void set_io_enabled(bool on) { store<offsetof(Gdt, m_local) + offsetof(CpuLocal, io_enabled)>(on); }
    /// As Gdt::disable_io_bitmap and enable_io_bitmap, for the running CPU.
    static void disable_io_bitmap() { store16<kIomapBase>(kIoBitmapOff); }
    static void enable_io_bitmap() { store16<kIomapBase>(kIoBitmapOn); }

    /// Where FS finds ESP0, the UTCB segment's descriptor, the TSS's
    /// iomap_base, and the values the two calls above write: the IPC fast
    /// path writes them in assembly (syscall/ipc_fast_layout.h).
    static constexpr unsigned kTssEsp0 = offsetof(Gdt, m_tss) + offsetof(Tss, esp0);
    static constexpr unsigned kUtcbDescriptor = offsetof(Gdt, m_entries) + (SEL_UTCB >> 3) * 8;
    static constexpr unsigned kIomapBase = offsetof(Gdt, m_tss) + offsetof(Tss, iomap_base);
    static constexpr uint16_t kIomapOn = kIoBitmapOn;
    static constexpr uint16_t kIomapOff = kIoBitmapOff;

private:
    template <unsigned Offset>
    [[gnu::always_inline]] static uint32_t load() {
        uint32_t v;
        asm volatile("movl %%fs:%c1, %0" : "=r"(v) : "i"(Offset));
        return v;
    }
    template <unsigned Offset>
    [[gnu::always_inline]] static void store(uint32_t v) {
        asm volatile("movl %0, %%fs:%c1" ::"ri"(v), "i"(Offset));
    }
    template <unsigned Offset>
    [[gnu::always_inline]] static void store16(uint16_t v) {
        asm volatile("movw %0, %%fs:%c1" ::"ri"(v), "i"(Offset));
    }
};

}  // namespace ia32
