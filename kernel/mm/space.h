// space.h: an L4 address space (space_t in the thesis, 3.3.1 and 4.1.2).
//
// A Space is the page tables of one address space, what the mapping database
// needs to know of it, and the two kernel-managed areas X.2 puts into it
// (SpaceControl): the KIP area, where the kernel interface page appears, and
// the UTCB area, where the kernel places its threads' UTCBs.
//
//   Space (on its home node: the node of the CPU that created it)
//   +----------------------------+
//   | home node                  |        master page directory (home node)
//   | master directory ----------+------> [ user PDEs | kernel PDEs (shared) ]
//   | per-CPU directories[cpu] --+--+          |
//   | UTCB pages, KIP/UTCB areas |  |          v
//   | threads, privileged, IO map|  |     page table + shadow (home node)
//   +----------------------------+  |     [ 1024 PTEs ][ 1024 MappingNode* ]
//                                   +--> a copy of the master's PDEs per CPU
//                                        the space ran on, on that CPU's node
//
// Page tables: one 8 KiB block per 4 MiB of user space that holds mappings
// (try_alloc_table_locked, on the home node):
// the hardware table and, beside it, the pointer to the MappingNode of each
// entry (the mapping database finds a mapping through it, mapping_db.h).
// Tables are only added while the space lives, never removed, so a directory
// entry, once set, stays valid. Kernel PDEs are copied from the kernel's
// directory when a directory is made; kernel page tables are all allocated at
// boot (arch::freeze_kernel_directory), so they never change afterwards.
//
// Per-CPU page directories (space_cpu_dirs.cc, Lab 2): each CPU that runs a
// thread of the space gets its own copy of the directory on its own node, so
// a TLB miss on that CPU reads local memory. The copies share the page tables;
// their kernel part is the CPU's node's (kernel code replication,
// mm/code_replica.h). A CPU that never runs the space costs nothing: the
// Space (at most a page, its size does not grow with the CPUs used) and the
// master directory are fixed, plus one directory per CPU used.
//
// Locks: m_lock guards the tables, the shadow, the directories and the UTCB
// pages. The mapping database calls in with its own lock held (it comes
// first). Thread count and areas are changed by system calls under the
// thread lock of the caller's CPU (thread/scheduler.h).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "api/fpage.h"
#include "api/utcb.h"
#include "lib/spin_lock.h"
#include "mm/mapping_node.h"
#include "platform/topology.h"

namespace mm {

/// User addresses are [0, kUserSpaceEnd); the kernel owns the top GiB.
inline constexpr uintptr_t kUserSpaceEnd = 0xC0000000;

/// Page tables of all spaces together (statistics: kdebug op 0x50).
unsigned page_tables_in_use();
/// Spaces that exist (statistics: kdebug op 0x50; a space moved out of by its last
/// thread must be gone, Lab 7).
unsigned spaces_in_use();

class Space final : public MappingSpace {
public:
    static constexpr unsigned kMaxUtcbPages = 64;  ///< 512 UTCBs per space
    static constexpr size_t kIoBitmapSize = 65536 / 8;

    /// A new, empty space whose home node is `home_node`, or nullptr when
    /// kernel memory is short.
    [[nodiscard]] static Space* try_create(unsigned home_node);

    /// Removes every mapping (through the mapping database) and frees the
    /// page tables, directories, UTCB pages and the Space itself.
    void destroy();

    // ---- X.2 areas (SpaceControl) ------------------------------------------
    [[nodiscard]] bool is_configured() const { return !m_kip_area.is_nil() && !m_utcb_area.is_nil(); }
    api::Fpage kip_area() const { return m_kip_area; }
    api::Fpage utcb_area() const { return m_utcb_area; }
    /// Sets both areas and maps the KIP page (the frame at `kip_phys`, which
    /// boot/kip_page.h owns) read-only at the KIP area; false when out of memory.
    [[nodiscard]] bool try_configure(api::Fpage kip_area, uint64_t kip_phys, api::Fpage utcb_area);

    /// The UTCB at user address `location` (inside the UTCB area, aligned):
    /// its page is allocated on the home node and mapped on first use.
    [[nodiscard]] api::Utcb* try_utcb(uintptr_t location);

    /// The thread whose UTCB is at `location` (for local thread ids), or
    /// nullptr; set by ThreadControl. Opaque to mm/: a thread::Tcb*.
    void* utcb_owner(uintptr_t location) EXCLUDES(m_lock);
    /// utcb_owner() without the lock, for the IPC fast path: the answer may be
    /// stale or wrong while a thread of the space is made, deleted or moved,
    /// so the caller checks the thread it gets (exists, this space, this
    /// UTCB location). Every owner ever stored is a TCB in the TCB array, and
    /// that array can always be read.
    void* utcb_owner_unlocked(uintptr_t location) NO_THREAD_SAFETY_ANALYSIS;
    void set_utcb_owner(uintptr_t location, void* owner) EXCLUDES(m_lock);

    bool is_privileged() const { return m_privileged; }
    void set_privileged() { m_privileged = true; }

    /// Threads in the space; the last one to leave destroys it.
    unsigned thread_count() const { return __atomic_load_n(&m_threads, __ATOMIC_RELAXED); }
    void add_thread() { __atomic_fetch_add(&m_threads, 1, __ATOMIC_RELAXED); }
    /// True when that was the last thread.
    [[nodiscard]] bool remove_thread() { return __atomic_sub_fetch(&m_threads, 1, __ATOMIC_ACQ_REL) == 0; }

    // ---- IO ports (X.2 IA32 IO fpages) -------------------------------------
    /// The IO permission bitmap (bit clear = port allowed), or nullptr: none.
    const uint8_t* io_bitmap() const { return m_io_bitmap; }
    unsigned io_generation() const { return __atomic_load_n(&m_io_generation, __ATOMIC_ACQUIRE); }
    bool has_io_ports(uint32_t first, uint32_t count);
    [[nodiscard]] bool try_grant_io_ports(uint32_t first, uint32_t count);
    void revoke_io_ports(uint32_t first, uint32_t count);

    // ---- page tables, for the mapping database (space_tables.cc) -------------
    MappingNode* lookup(uintptr_t vaddr) EXCLUDES(m_lock);
    [[nodiscard]] bool try_prepare(uintptr_t vaddr, size_t size) EXCLUDES(m_lock);
    void install(MappingNode* node) EXCLUDES(m_lock);
    void update_rights(MappingNode* node) EXCLUDES(m_lock);
    Rights read_and_clear_status(MappingNode* node) EXCLUDES(m_lock);
    /// Sets the access status bits `status` in the entries of [vaddr, vaddr + size),
    /// which an installed mapping covers.
    void add_status(uintptr_t vaddr, size_t size, Rights status) EXCLUDES(m_lock);
    Rights remove(MappingNode* node) EXCLUDES(m_lock);
    /// The physical address `vaddr` is mapped to with at least `needed`
    /// rights, or ~0 (for the kernel's own reads of user memory).
    uint64_t translate(uintptr_t vaddr, Rights needed) EXCLUDES(m_lock);
    /// Whether the 4 MiB region of `vaddr` has no page table (so no mapping).
    bool lookup_table_free(uintptr_t vaddr) EXCLUDES(m_lock);
    /// What the invariant checker visits (mm/mapping_audit.h): each user
    /// address whose entry is present or has a mapping node beside it, with
    /// the frame a present entry maps and the node (or null).
    using EntryVisitor = void (*)(void* context, uintptr_t vaddr, bool present, uint64_t phys, MappingNode* node);
    /// Calls `visit` for every such entry, in address order, under the
    /// space's lock; false, visiting nothing, when the lock is held.
    [[nodiscard]] bool try_for_each_entry(EntryVisitor visit, void* context) EXCLUDES(m_lock);

    // ---- directories per CPU (space_cpu_dirs.cc, Lab 2) ---------------------
    /// The physical address of the directory CPU `cpu` loads for this space:
    /// on the first call for `cpu`, a new copy of the master on the CPU's node
    /// (the master itself when kernel memory is short); later calls return it
    /// without taking m_lock or writing shared memory.
    [[nodiscard]] uint32_t directory_for(unsigned cpu) EXCLUDES(m_lock);
    /// What a switch to a thread of this space loads on CPU `cpu`: the
    /// directory directory_for() published in m_directory_phys, read inline
    /// (the IPC fast path and the scheduler switch spaces on every IPC between
    /// them), or directory_for(cpu) while there is none.
    [[nodiscard]] uint32_t switch_directory(unsigned cpu) EXCLUDES(m_lock) {
        uint32_t published = cpu_directory(cpu);
        return published != 0 ? published : directory_for(cpu);
    }
    /// CPU `cpu`'s directory (physical), or 0 if it has none yet: for tests
    /// and statistics.
    uint32_t cpu_directory(unsigned cpu) const { return __atomic_load_n(&m_directory_phys[cpu], __ATOMIC_ACQUIRE); }
    /// Where m_directory_phys, m_io_bitmap and m_io_generation lie in a
    /// Space: the IA32 IPC fast path reads them in assembly
    /// (arch/ia32/syscall/ipc_fast_layout.h).
    static constexpr size_t directories_offset();
    static constexpr size_t io_bitmap_offset();
    static constexpr size_t io_generation_offset();
    /// The master directory (physical): the user part every copy starts from.
    uint32_t master_directory() EXCLUDES(m_lock);
    /// Removes stale translations of [vaddr, vaddr + size) from every CPU
    /// that may hold them (m_cpus_used), and waits until they are gone.
    void shootdown(uintptr_t vaddr, size_t size);

private:
    // kernel/test/lab2_spaces.cc holds m_lock to show that a switch to a
    // space whose directory exists does not take it.
    friend struct SpaceLockHolder;

    explicit Space(unsigned home_node) : MappingSpace(home_node) {}
    ~Space() = default;

    struct UtcbPage {
        uintptr_t user_address;
        void* kernel_page;
    };

    // space_tables.cc
    uint32_t* table_locked(uintptr_t vaddr) REQUIRES(m_lock);
    MappingNode** shadow_locked(uintptr_t vaddr) REQUIRES(m_lock);
    [[nodiscard]] bool try_ensure_table_locked(uintptr_t vaddr) REQUIRES(m_lock);
    [[nodiscard]] bool try_map_kernel_page_locked(uintptr_t vaddr, uint64_t phys, bool writable) REQUIRES(m_lock);
    void free_tables_locked() REQUIRES(m_lock);
    // space_cpu_dirs.cc (Lab 2)
    [[nodiscard]] void* try_alloc_table_locked() REQUIRES(m_lock);
    void set_pde_everywhere_locked(unsigned index, uint32_t pde) REQUIRES(m_lock);
    void free_cpu_directories_locked() REQUIRES(m_lock);

    SpinLock m_lock;
    uint32_t* m_directory GUARDED_BY(m_lock) = nullptr;  // master, on the home node
    uint32_t* m_cpu_directories[platform::kMaxCpus] GUARDED_BY(m_lock) = {};  // null: none yet
    uint32_t m_directory_phys[platform::kMaxCpus] = {};  // the same, physical; set under m_lock, read without (atomic)
    uint32_t m_cpus_used[platform::kMaxCpus / 32] = {};  // bit c: CPU c may hold translations (atomic words)
    UtcbPage m_utcb_pages[kMaxUtcbPages] GUARDED_BY(m_lock) = {};
    unsigned m_num_utcb_pages GUARDED_BY(m_lock) = 0;
    void* m_utcb_owners[kMaxUtcbPages * 8] GUARDED_BY(m_lock) = {};  // 8 UTCBs per page
    int utcb_slot_locked(uintptr_t location) REQUIRES(m_lock);
    uint8_t* m_io_bitmap = nullptr;  // set once, under m_lock; bits change under m_lock
    unsigned m_io_generation = 0;
    api::Fpage m_kip_area = api::Fpage::nil();
    api::Fpage m_utcb_area = api::Fpage::nil();
    unsigned m_threads = 0;
    bool m_privileged = false;
    // Set by destroy(): no thread is left to use a stale translation, and destroy()
    // flushes every CPU once after taking all mappings out, so the mappings going one
    // by one need no shootdown each (under QEMU's -icount each costs a round of every
    // virtual CPU: thousands of them made a pingpong run's end take minutes).
    bool m_dying = false;
    /// shootdown(), unless the space is being destroyed.
    void shootdown_unless_dying(uintptr_t vaddr, size_t size);
};

// A Space is not standard-layout (it derives from MappingSpace), so offsetof
// is only conditionally supported; clang supports it for classes without
// virtual bases, which is all the fast path needs.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winvalid-offsetof"
constexpr size_t Space::directories_offset() { return offsetof(Space, m_directory_phys); }
constexpr size_t Space::io_bitmap_offset() { return offsetof(Space, m_io_bitmap); }
constexpr size_t Space::io_generation_offset() { return offsetof(Space, m_io_generation); }
#pragma clang diagnostic pop

}  // namespace mm
