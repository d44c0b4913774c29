// gdt.cc: building and loading a CPU's GDT (see gdt.h).
#include "arch/ia32/gdt.h"

#include <stddef.h>

#include "api/utcb.h"
#include "arch/ia32/sysenter.h"
#include "lib/string.h"

namespace ia32 {
namespace {

// A segment descriptor (Intel SDM vol. 3, 3.4.5), 8 bytes:
//   63..56 base 31..24 | 55 G | 54 D/B | 52 AVL | 51..48 limit 19..16
//   47 P | 46..45 DPL | 44 S | 43..40 type | 39..16 base 23..0 | 15..0 limit 15..0
constexpr uint64_t descriptor(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags) {
    return (uint64_t(limit & 0xFFFF)) | (uint64_t(base & 0xFFFFFF) << 16) | (uint64_t(access) << 40) |
           (uint64_t((limit >> 16) & 0xF) << 48) | (uint64_t(flags & 0xF) << 52) |
           (uint64_t(base >> 24) << 56);
}

// access bytes: P | DPL | S | type
constexpr uint8_t kKernelCode = 0x9A;  // present, ring 0, code, readable
constexpr uint8_t kKernelData = 0x92;  // present, ring 0, data, writable
constexpr uint8_t kUserCode = 0xFA;    // present, ring 3, code, readable
constexpr uint8_t kUserData = 0xF2;    // present, ring 3, data, writable
constexpr uint8_t kTssAvailable = 0x89;
constexpr uint8_t kFlat = 0xC;  // 4 KiB granularity, 32-bit

struct [[gnu::packed]] DescriptorPointer {
    uint16_t limit;
    uint32_t base;
};

}  // namespace

void Gdt::install(unsigned cpu, uint32_t apic_id, uintptr_t kernel_stack_top) {
    m_local.index = cpu;
    m_local.apic_id = apic_id;
    m_local.io_loaded_key = 0;
    m_local.io_enabled = false;
    m_tss = Tss{};
    m_tss.ss0 = SEL_KERNEL_DATA;
    m_tss.esp0 = kernel_stack_top;
    load_io_bitmap(nullptr);

    m_entries[0] = 0;
    m_entries[SEL_KERNEL_CODE >> 3] = descriptor(0, 0xFFFFF, kKernelCode, kFlat);
    m_entries[SEL_KERNEL_DATA >> 3] = descriptor(0, 0xFFFFF, kKernelData, kFlat);
    m_entries[SEL_USER_CODE >> 3] = descriptor(0, 0xFFFFF, kUserCode, kFlat);
    m_entries[SEL_USER_DATA >> 3] = descriptor(0, 0xFFFFF, kUserData, kFlat);
    static_assert(offsetof(Gdt, m_io_bitmap) == offsetof(Gdt, m_tss) + sizeof(Tss));
    static_assert(offsetof(Gdt, m_tss) == offsetof(Gdt, m_sysenter_stack) + kSysenterStackBytes &&
                  offsetof(Tss, esp0) == 4);
    m_entries[SEL_TSS >> 3] =
        descriptor(uint32_t(uintptr_t(&m_tss)), sizeof(Tss) + kIoBitmapBytes, kTssAvailable, 0);
    static_assert(offsetof(Gdt, m_local) == 0 && sizeof(Gdt) <= 0x100000);  // byte-granular limit
    m_entries[SEL_CPU_LOCAL >> 3] = descriptor(uint32_t(uintptr_t(this)), sizeof(Gdt) - 1, kKernelData, 0x4);
    m_entries[SEL_UTCB >> 3] = 0;  // until the first user thread runs here

    DescriptorPointer gdtr{sizeof(m_entries) - 1, uint32_t(uintptr_t(m_entries))};
    asm volatile(
        "lgdt %0\n\t"
        "ljmp %1, $1f\n"
        "1:\n\t"
        "mov %2, %%ds\n\t"
        "mov %2, %%es\n\t"
        "mov %2, %%ss\n\t"
        "mov %2, %%gs\n\t"
        "mov %3, %%fs\n\t"
        "ltr %w4"
        :
        : "m"(gdtr), "i"(SEL_KERNEL_CODE), "r"(SEL_KERNEL_DATA), "r"(SEL_CPU_LOCAL), "r"(SEL_TSS)
        : "memory");
    load_sysenter(sysenter_stack_top());
}

uint64_t Gdt::utcb_descriptor(uintptr_t base) {
    // The UTCB (a user data segment, byte granular): user mode needs only
    // `mov %gs:0`, the IPC fast path's way out reads MR1 and MR2 through it
    // too (syscall/ipc_fast.S, step 11).
    return descriptor(uint32_t(base), api::kUtcbSize - 1, kUserData, 0x4);
}

void Gdt::load_io_bitmap(const uint8_t* bitmap) {
    if (bitmap == nullptr) {
        disable_io_bitmap();
        return;
    }
    memcpy(m_io_bitmap, bitmap, kIoBitmapBytes);
    enable_io_bitmap();
}

void Gdt::disable_io_bitmap() { m_tss.iomap_base = kIoBitmapOff; }

void Gdt::enable_io_bitmap() { m_tss.iomap_base = kIoBitmapOn; }

}  // namespace ia32
