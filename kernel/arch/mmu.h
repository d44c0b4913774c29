// mmu.h: the kernel's own mappings, as generic code may use them.
#pragma once

#include <stdint.h>

namespace arch {

/// Maps `size` bytes of physical memory (device registers, firmware tables)
/// into kernel space uncached and returns the virtual address of `phys`, or
/// nullptr when the device window is full. A range that is already mapped is
/// returned again without a new mapping. Mappings are never removed.
void* map_physical(uint64_t phys, uint64_t size);

/// Points the window page at `virt` (from map_physical) at another physical
/// page. Only this CPU's TLB is updated; other CPUs keep the old translation
/// until they flush it (a TLB shootdown, see kernel/test/test_tlb.cc).
bool remap_window_page(uintptr_t virt, uint64_t phys);

/// Maps [phys, phys + size) at kernel virtual address `virt` with 4 KiB pages,
/// cached and writable (except frames of the write-protected kernel image),
/// in the page directory every CPU uses. `virt`, `phys`
/// and `size` must be page aligned and the range must be unused. Returns
/// false when no memory is left for page tables.
[[nodiscard]] bool map_kernel_range(uintptr_t virt, uint64_t phys, uint64_t size);

/// Allocates every page table the kernel area [0xC0000000, 4 GiB) can ever
/// need, so that the kernel's directory entries never change afterwards and
/// a copy of them (copy_kernel_mappings) stays valid forever. Called once,
/// before the first address space is made; later kernel mappings only fill
/// entries of these tables. False when no memory is left for them.
[[nodiscard]] bool freeze_kernel_directory();

/// Copies the kernel's directory entries into a new user page directory
/// (1024 words); its user entries are left alone.
void copy_kernel_mappings(uint32_t* directory);

/// Makes `directory_phys` this CPU's page directory (no-op if it already is).
void load_directory(uint32_t directory_phys);

/// The page directory the boot CPU built, with the image's own code: the
/// kernel part every node's kernel directory starts from (mm/code_replica.h
/// gives each CPU the directory of its node).
uint32_t kernel_directory();

/// The kernel's code and read-only data (.text and .rodata): the part of the
/// image that kernel code replication copies to every node (mm/code_replica.h).
/// Page aligned, inside one 4 MiB region; `phys` is where the loader put it.
struct KernelCode {
    uintptr_t start;
    uintptr_t end;
    uint64_t phys;
};
KernelCode kernel_code();

/// The 1024 entries of the kernel's page table for the 4 MiB region of
/// `virt` (a kernel address), or nullptr when the region has none (a 4 MiB
/// page). Read-only: the image's tables never change after boot, so a copy
/// of one stays valid.
const uint32_t* kernel_page_table(uintptr_t virt);

/// The physical address of the page directory this CPU has loaded.
uint32_t active_directory();

/// Points the kernel page at `virt` (in a frozen kernel page table) at
/// `phys`, writable or read-only, and flushes this CPU's TLB entry. Other
/// CPUs keep the old translation until they flush it.
void set_kernel_page(uintptr_t virt, uint64_t phys, bool writable);

/// Whether `virt` lies in the kernel's direct map of low physical memory.
bool in_direct_map(uintptr_t virt);

}  // namespace arch
