// tcb_array.cc: the virtual linear TCB array (see tcb_array.h).
#include "lib/cxx_runtime.h"
#include "thread/tcb_array.h"

#include "arch/ia32/layout.h"
#include "arch/arch.h"
#include "arch/mmu.h"
#include "lib/panic.h"
#include "lib/per_cpu.h"
#include "lib/string.h"
#include "mm/frame_allocator.h"
#include "mm/kmem.h"
#include "mm/page_walk.h"
#include "smp/cross_call.h"

namespace thread {

namespace {

SpinLock g_slot_lock;  // serialises creating and deleting, not lookups
uint64_t g_zero_page_phys = 0;
unsigned g_in_use = 0;  // atomic
// Which slots have a page. A TCB that was just allocated still reads as "no
// thread" (its creator fills it in after), so the slot's content cannot say it.
uint32_t g_allocated[kMaxThreads / 32] GUARDED_BY(g_slot_lock) = {};

uintptr_t slot_address(api::Word number) { return TCB_ARRAY_BASE + uintptr_t(number) * kTcbSize; }

void flush_slot(void* arg) { arch::flush_tlb_page(uintptr_t(arg)); }

struct MigrationCounts {
    unsigned long slot_flushes = 0;  // only the owning CPU writes it
};
PerCpu<MigrationCounts> g_migration_counts;
unsigned long g_moves = 0;     // atomic
unsigned long g_deferred = 0;  // atomic

}  // namespace

static_assert(uint64_t(kMaxThreads) * kTcbSize == TCB_ARRAY_SIZE);
// The kernel stack gets what the Tcb leaves of the page: keep it at 3 KiB at
// least (the deepest path measured, fuzzer included, used under 1 KiB).
static_assert(sizeof(Tcb) <= 1024, "the Tcb object eats into the kernel stack");

void init_tcb_array() {
    g_zero_page_phys = mm::frames().try_allocate(1);
    if (g_zero_page_phys == 0) panic("no memory for the TCB array's zero page");
    memset(mm::phys_to_virt(g_zero_page_phys), 0, kTcbSize);
    for (api::Word n = 0; n < kMaxThreads; ++n) arch::set_kernel_page(slot_address(n), g_zero_page_phys, false);
    arch::flush_tlb_all();
}

Tcb* tcb_slot(api::Word number) { return reinterpret_cast<Tcb*>(slot_address(number)); }

api::Word slot_number(const Tcb* tcb) { return api::Word((uintptr_t(tcb) - TCB_ARRAY_BASE) / kTcbSize); }

Tcb* lookup_thread(api::ThreadId id) {
    if (!id.is_global() || id.is_any() || id.number() >= kMaxThreads) return nullptr;
    Tcb* tcb = tcb_slot(id.number());
    return tcb->global_id() == id && tcb->exists() && !tcb->m_zombie ? tcb : nullptr;
}

Tcb* try_allocate_tcb(api::Word number, unsigned node) {
    if (number >= kMaxThreads) return nullptr;
    smp::ServingCallsGuard guard(g_slot_lock);
    Tcb* tcb = tcb_slot(number);
    uint32_t bit = uint32_t(1) << (number % 32);
    if (g_allocated[number / 32] & bit) return nullptr;
    void* page = kmem::alloc(kTcbSize, node);
    if (page == nullptr) return nullptr;
    memset(page, 0, kTcbSize);
    g_allocated[number / 32] |= bit;
    arch::set_kernel_page(slot_address(number), kmem::virt_to_phys(page), true);
    // Other CPUs may still hold the zero page for this slot: harmless, they
    // read "no thread" until they flush, and they flush before using the new
    // thread because its id reaches them through memory written after this.
    smp::call_on_all(flush_slot, reinterpret_cast<void*>(slot_address(number)), smp::Wait::Yes);
    __atomic_fetch_add(&g_in_use, 1, __ATOMIC_RELAXED);
    Tcb* fresh = new (tcb) Tcb();
    fresh->m_page = page;
    return fresh;
}

void free_tcb(Tcb* tcb) {
    uintptr_t address = uintptr_t(tcb);
    smp::ServingCallsGuard guard(g_slot_lock);
    void* page = tcb->m_page;  // the page's address in its kmem pool
    api::Word number = api::Word((address - TCB_ARRAY_BASE) / kTcbSize);
    g_allocated[number / 32] &= ~(uint32_t(1) << (number % 32));
    arch::set_kernel_page(address, g_zero_page_phys, false);
    smp::call_on_all(flush_slot, reinterpret_cast<void*>(address), smp::Wait::Yes);
    kmem::free(page, kTcbSize);
    __atomic_fetch_sub(&g_in_use, 1, __ATOMIC_RELAXED);
}

unsigned threads_in_use() { return __atomic_load_n(&g_in_use, __ATOMIC_RELAXED); }

uint64_t tcb_frame(const Tcb* tcb) { return mm::walk(arch::kernel_directory(), uintptr_t(tcb)); }

void forget_tcb_translation(void* slot) {
    arch::flush_tlb_page(uintptr_t(slot));
    unsigned long& flushes = g_migration_counts.current().slot_flushes;
    __atomic_store_n(&flushes, flushes + 1, __ATOMIC_RELAXED);
}

void release_tcb_page(void* page) {
    uint32_t* words = static_cast<uint32_t*>(page);
    for (size_t i = 0; i < kTcbSize / sizeof(uint32_t); ++i) words[i] = kTcbPoison;
    kmem::free(page, kTcbSize);
}

unsigned long tcb_moves() { return __atomic_load_n(&g_moves, __ATOMIC_RELAXED); }
unsigned long tcb_moves_deferred() { return __atomic_load_n(&g_deferred, __ATOMIC_RELAXED); }
unsigned long tcb_slot_flushes() {
    unsigned long sum = 0;
    for (unsigned cpu = 0; cpu < platform::kMaxCpus; ++cpu)
        sum += __atomic_load_n(&g_migration_counts.on(cpu).slot_flushes, __ATOMIC_RELAXED);
    return sum;
}
void count_tcb_move() { __atomic_fetch_add(&g_moves, 1, __ATOMIC_RELAXED); }
void count_tcb_move_deferred() { __atomic_fetch_add(&g_deferred, 1, __ATOMIC_RELAXED); }

}  // namespace thread
