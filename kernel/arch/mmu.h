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
/// cached and writable, in the page directory every CPU uses. `virt`, `phys`
/// and `size` must be page aligned and the range must be unused. Returns
/// false when no memory is left for page tables.
[[nodiscard]] bool map_kernel_range(uintptr_t virt, uint64_t phys, uint64_t size);

/// Whether `virt` lies in the kernel's direct map of low physical memory.
bool in_direct_map(uintptr_t virt);

}  // namespace arch
