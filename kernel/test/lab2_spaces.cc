// lab2_spaces.cc: Lab 2 self-tests of address spaces on NUMA: where each
// CPU's directory lies and when it is made, what a space costs, where page
// tables, mapping nodes and UTCB pages lie, and that a new page table reaches
// every CPU's directory.
//
// Every directory is asked for on its own CPU (a cross call), as the thread
// switch does, and read back through mm/page_walk.h.
#include "arch/mmu.h"
#include "lib/string.h"
#include "mm/mappings.h"
#include "mm/space.h"
#include "test/ktest.h"
#include "test/lab2_support.h"

using namespace lab2;

namespace {

struct Activation {
    mm::Space* space;
    uint32_t directory;        // directory_for(this cpu)
    uint32_t again;            // a second call
    uint32_t kernel_directory;  // the directory the CPU had loaded (its node's kernel directory)
};

void activate(void* arg) {
    Activation* a = static_cast<Activation*>(arg);
    a->kernel_directory = arch::active_directory();
    a->directory = a->space->directory_for(arch::cpu_index());
    a->again = a->space->directory_for(arch::cpu_index());
}

Activation activate_on(unsigned cpu, mm::Space* space) {
    Activation a{space, 0, 0, 0};
    smp::call_on(cpu, activate, &a, smp::Wait::Yes);
    return a;
}

const uint32_t* directory_words(uint32_t phys) { return mm::table_memory(phys & ia32::pte::kFrameMask); }

struct Switch {
    mm::Space* space;
    uint32_t directory;
    bool done;
};

void switch_to_space(void* arg) {
    Switch* s = static_cast<Switch*>(arg);
    s->directory = s->space->directory_for(arch::cpu_index());
    __atomic_store_n(&s->done, true, __ATOMIC_RELEASE);
}

}  // namespace

namespace mm {

struct SpaceLockHolder {
    static void lock(Space* space) NO_THREAD_SAFETY_ANALYSIS { space->m_lock.lock(); }
    static void unlock(Space* space) NO_THREAD_SAFETY_ANALYSIS { space->m_lock.unlock(); }
};

}  // namespace mm

KTEST(lab2_space_mappings, "lab2.space_mappings") {
    uint64_t free_before = free_kernel_bytes();
    size_t nodes_before = mm::mapping_node_count();
    mm::Space* a = mm::Space::try_create(0);
    mm::Space* b = mm::Space::try_create(0);
    void* frame = kmem::alloc(kPage, 0);  // the "physical memory" a owns, for this test
    if (!t.check(a != nullptr && b != nullptr && frame != nullptr, "out of kernel memory")) return;
    uint64_t phys = kmem::virt_to_phys(frame);
    t.check(mm::add_root(a, 0x00100000, phys, kPage, mm::Rights::Full) == mm::MdbError::Ok, "add_root failed");
    t.check(a->translate(0x00100000, mm::Rights::Write) == phys, "a does not see its page");
    t.check(mm::map(a, 0x00100000, b, 0x00800000, kPage, mm::Rights::Read, false) == mm::MdbError::Ok, "map failed");
    t.check(b->translate(0x00800000, mm::Rights::Read) == phys, "b does not see the mapped page");
    t.check(b->translate(0x00800000, mm::Rights::Write) == ~uint64_t(0), "b may write a read-only mapping");
    mm::Rights status = mm::Rights::None;
    t.check(mm::unmap(a, 0x00100000, kPage, mm::Rights::Full, false, status) == mm::MdbError::Ok, "unmap failed");
    t.check(b->translate(0x00800000, mm::Rights::Read) == ~uint64_t(0), "b still sees the page after unmap");
    t.check(a->translate(0x00100000, mm::Rights::Read) == phys, "unmap took the page from a too");
    t.check(mm::map(a, 0x00100000, b, 0x00800000, kPage, mm::Rights::Full, false) == mm::MdbError::Ok, "map failed");
    b->destroy();
    t.check(a->translate(0x00100000, mm::Rights::Read) == phys, "destroying b took a's page");
    a->destroy();
    kmem::free(frame, kPage);
    t.check(mm::mapping_node_count() == nodes_before, "mapping nodes %u after destroying both, expected %u",
            unsigned(mm::mapping_node_count()), unsigned(nodes_before));
    t.check(free_kernel_bytes() == free_before, "free kernel memory %llu after destroying both, expected %llu",
            (unsigned long long)free_kernel_bytes(), (unsigned long long)free_before);
}

KTEST(lab2_directory_on_cpu_node, "lab2.directory_on_cpu_node") {
    unsigned cpus[platform::kMaxCpus];
    unsigned n = online_cpus(cpus);
    unsigned home = cpu_node(arch::cpu_index());
    mm::Space* space = mm::Space::try_create(home);
    if (!t.check(space != nullptr, "out of kernel memory")) return;
    for (unsigned i = 0; i < n; ++i)
        t.check(space->cpu_directory(cpus[i]) == 0, "a new space already has a directory for cpu %u", cpus[i]);
    const uint32_t* master = directory_words(space->master_directory());
    uintptr_t code = arch::kernel_code().start;
    for (unsigned i = 0; i < n; ++i) {
        unsigned cpu = cpus[i];
        Activation a = activate_on(cpu, space);
        unsigned want = cpu_memory_node(cpu);
        t.evidence("cpu=%u node=%u directory=%x pool=%d", cpu, cpu_node(cpu), a.directory, pool_of(a.directory));
        if (!t.check(a.directory != 0 && a.directory == a.again, "cpu %u: directory_for gave %x, then %x", cpu,
                     a.directory, a.again))
            continue;
        t.check(in_pool(want, a.directory), "cpu %u (node %u): its directory at %x lies in pool %d, not node %u's",
                cpu, cpu_node(cpu), a.directory, pool_of(a.directory), want);
        t.check(a.directory != space->master_directory() || n == 1 || cpu_memory_node(cpu) != memory_node(home),
                "cpu %u uses the master directory", cpu);
        const uint32_t* words = directory_words(a.directory);
        if (!t.check(words != nullptr && master != nullptr, "cpu %u's directory %x cannot be read", cpu, a.directory))
            continue;
        t.check(memcmp(words, master, ia32::pte::kKernelFirstPde * 4) == 0,
                "cpu %u: the user part of its directory differs from the master's", cpu);
        // The kernel part is the CPU's node's: the code lies where the CPU's own
        // kernel directory says (kernel code replication).
        uint64_t code_frame = mm::walk(a.directory, code);
        t.check(code_frame != mm::kNoFrame && code_frame == mm::walk(a.kernel_directory, code),
                "cpu %u: the kernel code in its directory (%llx) is not its node's (%llx)", cpu,
                (unsigned long long)code_frame, (unsigned long long)mm::walk(a.kernel_directory, code));
        t.check(mm::walk(a.directory, uintptr_t(&kmem::pools)) == mm::walk(a.kernel_directory, uintptr_t(&kmem::pools)),
                "cpu %u: its directory maps the kernel differently from its kernel directory", cpu);
        for (unsigned j = i + 1; j < n; ++j)
            t.check(space->cpu_directory(cpus[j]) == 0, "cpu %u's first switch made a directory for cpu %u too", cpu,
                    cpus[j]);
    }
    for (unsigned i = 0; i < n; ++i)
        for (unsigned j = i + 1; j < n; ++j)
            t.check(space->cpu_directory(cpus[i]) != space->cpu_directory(cpus[j]), "cpus %u and %u share a directory",
                    cpus[i], cpus[j]);
    space->destroy();
}

KTEST(lab2_lazy_footprint, "lab2.lazy_footprint") {
    unsigned cpus[platform::kMaxCpus];
    unsigned n = online_cpus(cpus);
    uint64_t before = free_kernel_bytes();
    mm::Space* space = mm::Space::try_create(cpu_node(arch::cpu_index()));
    if (!t.check(space != nullptr, "out of kernel memory")) return;
    uint64_t fixed = before - free_kernel_bytes();
    t.evidence("cpus_used=0 bytes=%llu", (unsigned long long)fixed);
    t.check(fixed <= 2 * kPage, "a new space takes %llu bytes before any cpu ran it (Space + master: 2 pages at most)",
            (unsigned long long)fixed);
    for (unsigned k = 1; k <= n; ++k) {
        (void)activate_on(cpus[k - 1], space);
        uint64_t used = before - free_kernel_bytes();
        t.evidence("cpus_used=%u bytes=%llu", k, (unsigned long long)used);
        t.check(used == fixed + k * kPage, "with %u cpus used the space takes %llu bytes, expected %llu (one page per cpu used)",
                k, (unsigned long long)used, (unsigned long long)(fixed + k * kPage));
        // Running on the same CPUs again costs nothing.
        (void)activate_on(cpus[k - 1], space);
        (void)activate_on(cpus[0], space);
        t.check(before - free_kernel_bytes() == used, "a cpu that ran the space before took more memory for it");
    }
    space->destroy();
    t.check(free_kernel_bytes() == before, "free kernel memory %llu after destroy, expected %llu",
            (unsigned long long)free_kernel_bytes(), (unsigned long long)before);
}

KTEST(lab2_tables_on_home_node, "lab2.tables_on_home_node") {
    const platform::Topology& topology = platform::machine_topology();
    uint64_t before = free_kernel_bytes();
    for (unsigned home = 0; home < topology.num_nodes; ++home) {
        unsigned want = memory_node(home);
        unsigned other_home = (home + 1) % topology.num_nodes;
        mm::Space* space = mm::Space::try_create(home);
        mm::Space* other = mm::Space::try_create(other_home);
        void* frame = kmem::alloc(kPage, want);
        if (!t.check(space != nullptr && other != nullptr && frame != nullptr, "out of kernel memory")) return;
        uint64_t phys = kmem::virt_to_phys(frame);
        constexpr uintptr_t kAt = 0x10000000, kOtherAt = 0x20400000, kUtcb = 0x30000000;
        t.check(mm::add_root(space, kAt, phys, kPage, mm::Rights::Full) == mm::MdbError::Ok, "add_root failed");
        t.check(mm::map(space, kAt, other, kOtherAt, kPage, mm::Rights::Read, false) == mm::MdbError::Ok, "map failed");
        uint64_t table = mm::walk(space->master_directory(), kAt) == phys
                             ? directory_words(space->master_directory())[kAt >> 22] & ia32::pte::kFrameMask
                             : 0;
        uint64_t other_table = directory_words(other->master_directory())[kOtherAt >> 22] & ia32::pte::kFrameMask;
        mm::MappingNode* node = space->lookup(kAt);
        mm::MappingNode* other_node = other->lookup(kOtherAt);
        api::Utcb* utcb = space->try_utcb(kUtcb);
        uint64_t node_phys = node != nullptr ? kmem::virt_to_phys(node) : 0;
        uint64_t other_node_phys = other_node != nullptr ? kmem::virt_to_phys(other_node) : 0;
        uint64_t utcb_phys = utcb != nullptr ? kmem::virt_to_phys(utcb) : 0;
        t.evidence("home=%u table_pool=%d node_pool=%d utcb_pool=%d other_home=%u other_table_pool=%d other_node_pool=%d",
                   home, pool_of(table), pool_of(node_phys), pool_of(utcb_phys), other_home, pool_of(other_table),
                   pool_of(other_node_phys));
        t.check(table != 0 && in_pool(want, table), "home node %u: the page table at %llx is in pool %d, not node %u's",
                home, (unsigned long long)table, pool_of(table), want);
        t.check(node_phys != 0 && in_pool(want, node_phys),
                "home node %u: the mapping node of a root mapping is in pool %d, not node %u's", home,
                pool_of(node_phys), want);
        t.check(other_node_phys != 0 && in_pool(memory_node(other_home), other_node_phys),
                "a mapping into a space of home node %u has its mapping node in pool %d, not node %u's", other_home,
                pool_of(other_node_phys), memory_node(other_home));
        t.check(in_pool(memory_node(other_home), other_table), "home node %u: page table in pool %d, not node %u's",
                other_home, pool_of(other_table), memory_node(other_home));
        t.check(utcb_phys != 0 && in_pool(want, utcb_phys), "home node %u: the UTCB page is in pool %d, not node %u's",
                home, pool_of(utcb_phys), want);
        other->destroy();
        space->destroy();
        kmem::free(frame, kPage);
    }
    t.check(free_kernel_bytes() == before, "free kernel memory %llu after destroying the spaces, expected %llu",
            (unsigned long long)free_kernel_bytes(), (unsigned long long)before);
}

KTEST(lab2_new_table_everywhere, "lab2.new_table_everywhere") {
    unsigned cpus[platform::kMaxCpus];
    unsigned n = online_cpus(cpus);
    uint64_t before = free_kernel_bytes();
    mm::Space* space = mm::Space::try_create(cpu_node(arch::cpu_index()));
    void* frames[3] = {};
    for (void*& f : frames) f = kmem::alloc(kPage, cpu_memory_node(arch::cpu_index()));
    if (!t.check(space != nullptr && frames[2] != nullptr, "out of kernel memory")) return;
    // A table made before any CPU ran the space, then the directories, then
    // two tables made after: all three reach every CPU's directory.
    const uintptr_t at[3] = {0x08000000, 0x48000000, 0x88c00000};
    t.check(mm::add_root(space, at[0], kmem::virt_to_phys(frames[0]), kPage, mm::Rights::Full) == mm::MdbError::Ok,
            "add_root failed");
    uint32_t directories[platform::kMaxCpus];
    for (unsigned i = 0; i < n; ++i) directories[i] = activate_on(cpus[i], space).directory;
    for (unsigned k = 1; k < 3; ++k)
        t.check(mm::add_root(space, at[k], kmem::virt_to_phys(frames[k]), kPage, mm::Rights::Full) == mm::MdbError::Ok,
                "add_root failed");
    for (unsigned i = 0; i < n; ++i)
        for (unsigned k = 0; k < 3; ++k) {
            uint64_t seen = mm::walk(directories[i], at[k]);
            t.check(seen == kmem::virt_to_phys(frames[k]),
                    "cpu %u's directory translates %x to %llx, not to the page mapped there (%llx)%s", cpus[i],
                    unsigned(at[k]), (unsigned long long)seen, (unsigned long long)kmem::virt_to_phys(frames[k]),
                    k > 0 && seen == mm::kNoFrame ? ": the new page table is missing from it" : "");
        }
    // Taking a mapping away is seen through every directory too.
    mm::Rights status = mm::Rights::None;
    t.check(mm::unmap(space, at[1], kPage, mm::Rights::Full, true, status) == mm::MdbError::Ok, "unmap failed");
    for (unsigned i = 0; i < n; ++i)
        t.check(mm::walk(directories[i], at[1]) == mm::kNoFrame, "cpu %u still translates an unmapped page", cpus[i]);
    space->destroy();
    for (void* f : frames) kmem::free(f, kPage);
    t.check(free_kernel_bytes() == before, "free kernel memory %llu after destroy, expected %llu (directories not freed?)",
            (unsigned long long)free_kernel_bytes(), (unsigned long long)before);
}

// The switch path (thread/scheduler.cc calls directory_for on every switch to
// a user thread) must not take the space's lock once the CPU's directory
// exists: here another CPU switches to the space while this one holds the
// lock, and must come back without waiting for it.
KTEST(lab2_switch_without_lock, "lab2.switch_without_lock") {
    unsigned cpus[platform::kMaxCpus];
    unsigned n = online_cpus(cpus);
    unsigned me = arch::cpu_index();
    unsigned other = me;
    for (unsigned i = 0; i < n; ++i)
        if (cpus[i] != me) other = cpus[i];
    mm::Space* space = mm::Space::try_create(cpu_node(me));
    if (!t.check(space != nullptr, "out of kernel memory")) return;
    uint32_t first = activate_on(other, space).directory;
    if (other == me) {  // one CPU: nobody else to switch while this one holds the lock
        t.check(activate_on(me, space).directory == first, "a second switch gave another directory");
        space->destroy();
        return;
    }
    Switch s{space, 0, false};
    mm::SpaceLockHolder::lock(space);
    bool sent = smp::call_on(other, switch_to_space, &s, smp::Wait::No);
    // Generous: a lock-free switch takes microseconds even on a loaded host.
    uint64_t deadline = arch::cycles() + 2 * arch::cycles_per_second();
    while (sent && !__atomic_load_n(&s.done, __ATOMIC_ACQUIRE) && arch::cycles() < deadline) arch::cpu_relax();
    bool without_lock = __atomic_load_n(&s.done, __ATOMIC_ACQUIRE);
    mm::SpaceLockHolder::unlock(space);
    if (sent) smp::serve_calls_until([&s] { return __atomic_load_n(&s.done, __ATOMIC_ACQUIRE); });
    t.evidence("cpu=%u switched_while_locked=%u", other, unsigned(without_lock));
    t.check(sent, "cpu %u is not online", other);
    t.check(without_lock, "cpu %u, which has its directory, waited for the space's lock to switch to it", other);
    t.check(s.directory == first, "cpu %u got directory %x on its second switch, %x on its first", other, s.directory,
            first);
    space->destroy();
}
