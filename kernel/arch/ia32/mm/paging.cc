// paging.cc: the kernel page directory, the write protection of the kernel
// image, and the device window.
//
// boot.S built boot_page_directory with 4 MiB pages for the direct map (and a
// temporary identity map). This file write-protects the kernel image in both
// maps (below), and adds the device window (layout.h), made of 4 KiB pages, so
// that registers and firmware tables anywhere in the 4 GiB physical space can
// be reached.
//
// Write protection: the image's code (.boot, .text), read-only data (.rodata,
// which holds .init_array, the self-test table .ktests and the AP trampoline
// image) and symbol table (.ksyms) are mapped without R/W. boot.S set CR0.WP,
// so the CPU checks R/W in kernel mode too: a write there, by a kernel bug or
// by lab code redirecting a self-test's run pointer, is a page fault that
// trap.cc reports as such, not a silent change. A 4 MiB page has one R/W bit,
// and the image shares its 4 MiB page with low memory, .data and .bss, so
// init_memory() replaces every 4 MiB page the image touches by a table of
// 4 KiB pages mapping the same frames, the protected ones without R/W. The
// identity map's entry for the same 4 MiB gets the same table: it is a second
// alias of the image until finish_boot() drops it. This runs on the boot CPU
// alone, before the other CPUs load this directory and before any address
// space copies its kernel entries (copy_kernel_mappings), so all of them see
// the table. These tables never change afterwards: kernel code replication
// (mm/code_replica.h) copies the one that maps the code. No mapping made here later (the device window, kernel ranges and
// pages) makes those frames writable again, and the frame allocator keeps the
// image reserved, so no node pool and no user space (sigma0) gets its frames.
//
// Two-level IA32 paging: a virtual address splits into
//   31..22 directory index | 21..12 table index | 11..0 offset
// and a 4 KiB page-table entry is
//   31..12 frame | 8 G | 7 PAT | 6 D | 5 A | 4 PCD | 3 PWT | 2 U/S | 1 R/W | 0 P
//
// Lock: g_window_lock guards every page-table change made here and g_window_next.
#include "arch/boot.h"
#include "arch/ia32/cpu.h"
#include "arch/ia32/layout.h"
#include "arch/mmu.h"
#include "lib/panic.h"
#include "lib/spin_lock.h"
#include "lib/string.h"
#include "mm/frame_allocator.h"

extern "C" uint32_t boot_page_directory[1024];
extern "C" char _kernel_start[], _text_start[], _rodata_end[], _ksyms_start[], _kernel_end[];  // kernel.ld

namespace {

constexpr uint32_t kPresent = 1u << 0;
constexpr uint32_t kWritable = 1u << 1;
constexpr uint32_t kWriteThrough = 1u << 3;
constexpr uint32_t kCacheDisable = 1u << 4;
constexpr uint32_t kAccessedDirty = (1u << 5) | (1u << 6);
constexpr uint32_t kBigPageBit = 1u << 7;
constexpr uint32_t kFrameMask = 0xFFFFF000u;
constexpr uintptr_t kPage = 4096;
constexpr uint64_t kBigPage = 0x400000;

SpinLock g_window_lock;
uintptr_t g_window_next GUARDED_BY(g_window_lock) = DEVICE_WINDOW_BASE;

uint32_t* page_table_for(uintptr_t virt) {
    uint32_t pde = boot_page_directory[virt >> 22];
    if (!(pde & kPresent)) return nullptr;
    return static_cast<uint32_t*>(mm::phys_to_virt(pde & kFrameMask));
}

uint32_t* pte_for(uintptr_t virt) {
    uint32_t* table = page_table_for(virt);
    return table == nullptr ? nullptr : &table[(virt >> 12) & 0x3FF];
}

// Looks for `pages` window pages already mapping consecutive frames from `frame`.
uintptr_t find_existing_locked(uint64_t frame, uintptr_t pages) REQUIRES(g_window_lock) {
    for (uintptr_t v = DEVICE_WINDOW_BASE; v + pages * kPage <= g_window_next; v += kPage) {
        uintptr_t i = 0;
        for (; i < pages; ++i) {
            uint32_t* pte = pte_for(v + i * kPage);
            if (pte == nullptr || (*pte & kFrameMask) != uint32_t(frame + i * kPage) || !(*pte & kPresent)) break;
        }
        if (i == pages) return v;
    }
    return 0;
}

bool ensure_page_table_locked(uintptr_t virt) REQUIRES(g_window_lock) {
    if (page_table_for(virt) != nullptr) return true;
    uint64_t phys = mm::frames().try_allocate(1);
    if (phys == 0) return false;
    memset(mm::phys_to_virt(phys), 0, kPage);
    // The directory is shared by all CPUs, so a new table is visible everywhere at once.
    boot_page_directory[virt >> 22] = uint32_t(phys) | kPresent | kWritable;
    return true;
}

// Whether the image's frame at `phys` holds code, read-only data or the symbol table.
bool write_protected_frame(uint64_t phys) {
    return (phys >= mm::virt_to_phys(_kernel_start) && phys < mm::virt_to_phys(_rodata_end)) ||
           (phys >= mm::virt_to_phys(_ksyms_start) && phys < mm::virt_to_phys(_kernel_end));
}

// R/W for a kernel mapping of `frame`: never for a write-protected one, so that
// no second mapping makes it writable.
uint32_t writable_bit(uint64_t frame) { return write_protected_frame(frame) ? 0 : kWritable; }

// Write protection (see the top of this file).
void write_protect_image_locked() REQUIRES(g_window_lock) {
    uint64_t image_end = mm::virt_to_phys(_kernel_end);
    for (uint64_t big = mm::virt_to_phys(_kernel_start) & ~(kBigPage - 1); big < image_end; big += kBigPage) {
        uint64_t table_phys = mm::frames().try_allocate(1);
        if (table_phys == 0) panic("no memory for the page table that write-protects the kernel image");
        uint32_t* table = static_cast<uint32_t*>(mm::phys_to_virt(table_phys));
        // The same frames and cache attributes as the 4 MiB page (write-back).
        for (unsigned i = 0; i < 1024; ++i) {
            uint64_t frame = big + i * kPage;
            table[i] = uint32_t(frame) | kPresent | writable_bit(frame);
        }
        // R/W in the directory entry lets the table's entries decide.
        uint32_t pde = uint32_t(table_phys) | kPresent | kWritable;
        boot_page_directory[(KERNEL_VIRT_OFFSET + big) >> 22] = pde;  // the direct map
        boot_page_directory[big >> 22] = pde;                         // the identity map
    }
    // The TLB may still hold the writable 4 MiB translations. Neither boot.S
    // nor this file sets CR4.PGE or an entry's G bit, so reloading CR3
    // flushes them all.
    ia32::write_cr3(ia32::read_cr3());
}

}  // namespace

namespace arch {

void init_memory() {
    SpinLockGuard guard(g_window_lock);
    write_protect_image_locked();
    g_window_next = DEVICE_WINDOW_BASE;
}

bool in_direct_map(uintptr_t virt) { return virt >= KERNEL_VIRT_OFFSET && virt < KERNEL_VIRT_OFFSET + DIRECT_MAP_SIZE; }

void* map_physical(uint64_t phys, uint64_t size) {
    if (size == 0) size = 1;
    if (phys >= (uint64_t(1) << 32) || phys + size > (uint64_t(1) << 32)) return nullptr;
    uint64_t frame = phys & ~uint64_t(kPage - 1);
    uintptr_t pages = uintptr_t((phys + size - frame + kPage - 1) / kPage);
    uintptr_t offset = uintptr_t(phys - frame);

    SpinLockGuard guard(g_window_lock);
    uintptr_t virt = find_existing_locked(frame, pages);
    if (virt == 0) {
        if (g_window_next + pages * kPage > DEVICE_WINDOW_END || g_window_next + pages * kPage < g_window_next)
            return nullptr;
        virt = g_window_next;
        for (uintptr_t i = 0; i < pages; ++i) {
            uintptr_t v = virt + i * kPage;
            if (!ensure_page_table_locked(v)) return nullptr;
            *pte_for(v) = uint32_t(frame + i * kPage) | kPresent | writable_bit(frame + i * kPage) | kCacheDisable |
                          kWriteThrough;
            ia32::invlpg(v);
        }
        g_window_next += pages * kPage;
    }
    return reinterpret_cast<void*>(virt + offset);
}

bool map_kernel_range(uintptr_t virt, uint64_t phys, uint64_t size) {
    SpinLockGuard guard(g_window_lock);  // the same lock guards every page-table change here
    for (uint64_t off = 0; off < size; off += kPage) {
        if (!ensure_page_table_locked(virt + uintptr_t(off))) return false;
        *pte_for(virt + uintptr_t(off)) = uint32_t(phys + off) | kPresent | writable_bit(phys + off);
        ia32::invlpg(virt + uintptr_t(off));
    }
    return true;
}

bool freeze_kernel_directory() {
    SpinLockGuard guard(g_window_lock);
    for (uintptr_t v = KERNEL_VIRT_OFFSET + DIRECT_MAP_SIZE; v != 0; v += 0x400000)
        if (!ensure_page_table_locked(v)) return false;
    return true;
}

void copy_kernel_mappings(uint32_t* directory) {
    for (unsigned i = KERNEL_VIRT_OFFSET >> 22; i < 1024; ++i) directory[i] = boot_page_directory[i];
}

void load_directory(uint32_t directory_phys) {
    if (ia32::read_cr3() != directory_phys) ia32::write_cr3(directory_phys);
}

void set_kernel_page(uintptr_t virt, uint64_t phys, bool writable) {
    SpinLockGuard guard(g_window_lock);
    uint32_t* pte = pte_for(virt);
    if (pte == nullptr) panic("set_kernel_page: no page table for %x (kernel directory not frozen?)", unsigned(virt));
    // Accessed and dirty are set here, so that no CPU's page walk ever writes
    // this entry: a walk that read the old entry and then wrote it back with
    // the bit set would undo a remap made meanwhile (QEMU 7.2's TCG sets the
    // bits with a plain store of the whole entry, not an atomic OR). A TCB
    // move (Lab 3) remaps entries that every CPU walks.
    *pte = uint32_t(phys & kFrameMask) | kPresent | kAccessedDirty | (writable ? writable_bit(phys & kFrameMask) : 0);
    ia32::invlpg(virt);
}

uint32_t kernel_directory() { return uint32_t(mm::virt_to_phys(boot_page_directory)); }

KernelCode kernel_code() {
    KernelCode code{uintptr_t(_text_start), uintptr_t(_rodata_end), mm::virt_to_phys(_text_start)};
    if ((code.start >> 22) != ((code.end - 1) >> 22)) panic("the kernel's code spans two 4 MiB regions");
    return code;
}

const uint32_t* kernel_page_table(uintptr_t virt) {
    uint32_t pde = boot_page_directory[virt >> 22];
    if (!(pde & kPresent) || (pde & kBigPageBit)) return nullptr;
    return static_cast<const uint32_t*>(mm::phys_to_virt(pde & kFrameMask));
}

uint32_t active_directory() { return ia32::read_cr3() & kFrameMask; }

bool remap_window_page(uintptr_t virt, uint64_t phys) {
    SpinLockGuard guard(g_window_lock);
    if (virt < DEVICE_WINDOW_BASE || virt >= g_window_next) return false;
    uint32_t* pte = pte_for(virt);
    if (pte == nullptr) return false;
    *pte = uint32_t(phys & kFrameMask) | kPresent | writable_bit(phys & kFrameMask) | kCacheDisable | kWriteThrough;
    ia32::invlpg(virt & ~(kPage - 1));
    return true;
}

}  // namespace arch

namespace ia32 {

/// Removes the identity mapping of [0, 512 MiB) (boot.S) from the directory;
/// the caller flushes every CPU's TLB.
void drop_identity_map() {
    for (unsigned i = 0; i < (DIRECT_MAP_SIZE >> 22); ++i) boot_page_directory[i] = 0;
}

/// Physical address of the kernel page directory, for the AP trampoline.
uint32_t kernel_page_directory_phys() { return uint32_t(mm::virt_to_phys(boot_page_directory)); }

}  // namespace ia32
