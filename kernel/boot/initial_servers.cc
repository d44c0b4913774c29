// initial_servers.cc: starting sigma0 and the root task from the multiboot
// modules (docs/user-boot.md is the contract with user level).
//
// (1) Freeze the kernel's directory, map the TCB array, build the KIP.
// (2) Load each ELF image into physically contiguous frames and make a space
//     for it, with the image mapped at its link addresses (roots of the
//     mapping database: nobody derived them, nobody can take them back).
// (3) Give sigma0 everything the kernel does not use, one-to-one: every free
//     frame (Conventional), low memory and the modules (BootLoader), the VGA
//     window (Dedicated device memory) and all IO ports; describe it all in
//     the KIP's memory descriptors.
// (4) Create the two threads, ready to run at their entry points.
#include "boot/initial_servers.h"

#include "boot/kip_page.h"
#include "arch/arch.h"
#include "arch/mmu.h"
#include "arch/user.h"
#include "lib/console.h"
#include "lib/elf.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "mm/frame_allocator.h"
#include "mm/kmem.h"
#include "mm/mappings.h"
#include "mm/space.h"
#include "platform/machine.h"
#include "thread/scheduler.h"
#include "thread/tcb_array.h"
#include "thread/thread_ops.h"

extern "C" char _kernel_start[];
extern "C" char _kernel_end[];

namespace boot {

using namespace api;  // the X.2 layouts the KIP and the initial servers are built of

namespace {

constexpr uint64_t kPage = 4096;
constexpr Word kKipAddress = 0xBFFFF000;
constexpr Word kUtcbAreaAddress = 0xBFE00000;
constexpr unsigned kUtcbAreaLog2 = 20;
constexpr uint64_t kVgaWindow = 0xA0000;
constexpr uint64_t kVgaWindowSize = 0x20000;

uint64_t page_down(uint64_t a) { return a & ~(kPage - 1); }
uint64_t page_up(uint64_t a) { return (a + kPage - 1) & ~(kPage - 1); }

/// Calls add_root for [vaddr, vaddr + size) -> phys in aligned power-of-two
/// pieces (the mapping database only takes fpages). Pieces already there are kept.
void add_roots(mm::Space* space, uint64_t vaddr, uint64_t phys, uint64_t size, Rights rights) {
    while (size != 0) {
        uint64_t piece = kPage;
        while (piece * 2 <= size && ((vaddr | phys) & (piece * 2 - 1)) == 0 && piece < (uint64_t(1) << 30))
            piece *= 2;
        (void)mm::add_root(space, uintptr_t(vaddr), phys, size_t(piece), rights);
        vaddr += piece;
        phys += piece;
        size -= piece;
    }
}

void describe(MemoryType type, uint64_t base, uint64_t end) {
    if (end <= base) return;
    if (!add_memory_descriptor(MemoryDescriptor::make(type, 0, false, Word(base), Word(end - 1))))
        kprintf("kip: memory descriptor table full, [%llx, %llx) left out\n", (unsigned long long)base,
                (unsigned long long)end);
}

// An ELF image copied into contiguous frames [phys, phys + size) that stand
// for the virtual range [base, base + size).
class FrameSink final : public elf::SegmentSink {
public:
    FrameSink(uint64_t phys, uint32_t base) : m_phys(phys), m_base(base) {}
    bool try_place(const elf::ElfSegment& segment, const uint8_t* file_bytes) override {
        uint8_t* out = static_cast<uint8_t*>(mm::phys_to_virt(m_phys + (segment.vaddr - m_base)));
        memcpy(out, file_bytes, segment.file_size);
        return true;
    }

private:
    uint64_t m_phys;
    uint32_t m_base;
};

struct LoadedImage {
    mm::Space* space;
    Word entry;
    uint64_t phys;
    uint64_t size;
};

bool load_server(const platform::BootModule& module, const char* what, LoadedImage& out) {
    const uint8_t* data = static_cast<const uint8_t*>(mm::phys_to_virt(module.start));
    size_t size = module.end - module.start;
    api::Result<elf::ElfImage, elf::ElfError> image = elf::try_parse(data, size, mm::kUserSpaceEnd);
    if (!image.ok()) {
        kprintf("boot: %s (%s) is not a usable ELF executable (error %u)\n", what, module.name,
                unsigned(image.error()));
        return false;
    }
    uint64_t base = page_down(image.value().lowest_vaddr);
    uint64_t span = page_up(image.value().highest_vaddr) - base;
    uint64_t phys = mm::frames().try_allocate(size_t(span / kPage));
    if (phys == 0) {
        kprintf("boot: no memory for %s (%llu KiB)\n", what, (unsigned long long)(span / 1024));
        return false;
    }
    memset(mm::phys_to_virt(phys), 0, size_t(span));
    FrameSink sink(phys, uint32_t(base));
    if (!elf::try_load(image.value(), data, size, sink).ok()) return false;
    unsigned node = platform::machine_topology().cpus[arch::cpu_index()].node;
    mm::Space* space = mm::Space::try_create(node);
    if (space == nullptr) return false;
    space->set_privileged();
    if (!space->try_configure(Fpage::memory(kKipAddress, 12, Rights::Read), boot::kip_page_phys(),
                              Fpage::memory(kUtcbAreaAddress, kUtcbAreaLog2, Rights::ReadWrite)))
        return false;
    add_roots(space, base, phys, span, Rights::Full);
    out = LoadedImage{space, image.value().entry, phys, span};
    kprintf("boot: %s: %s, %llu KiB at phys %llx, entry %x\n", what, module.name,
            (unsigned long long)(span / 1024), (unsigned long long)phys, image.value().entry);
    return true;
}

struct Sigma0Memory {
    mm::Space* space;
    uint64_t pages;
};

void give_to_sigma0(uint64_t base, uint64_t end, void* context) {
    Sigma0Memory* sigma0 = static_cast<Sigma0Memory*>(context);
    add_roots(sigma0->space, base, base, end - base, Rights::Full);
    describe(MemoryType::Conventional, base, end);
    sigma0->pages += (end - base) / kPage;
}

/// RAM above what the boot frame allocator manages (its 512 MiB) and below
/// 4 GiB, less the kernel memory pools that Lab 1 carved from it, goes to
/// sigma0 too (machines with more memory, such as the big2g preset).
void give_high_memory(const platform::BootInfo& boot, Sigma0Memory& memory) {
    const platform::Topology& topology = platform::machine_topology();
    for (unsigned i = 0; i < boot.num_memory_entries; ++i) {
        const platform::MemoryMapEntry& e = boot.memory[i];
        if (e.type != 1) continue;
        uint64_t base = page_up(e.base > mm::FrameAllocator::kManagedLimit ? e.base : mm::FrameAllocator::kManagedLimit);
        uint64_t end = page_down(e.base + e.length < (uint64_t(1) << 32) ? e.base + e.length : uint64_t(1) << 32);
        // Walk [base, end) upwards, stepping over every pool inside it.
        while (base < end) {
            uint64_t next_pool = end;
            uint64_t pool_end = end;
            for (unsigned node = 0; node < topology.num_nodes; ++node) {
                const mm::NodePool& pool = kmem::pools().on(node);
                uint64_t first = pool.phys_base();
                uint64_t last = first + pool.size();
                if (pool.size() == 0 || last <= base || first >= end) continue;
                if (first < next_pool) {
                    next_pool = first;
                    pool_end = last;
                }
            }
            if (next_pool > base) give_to_sigma0(base, next_pool, &memory);
            if (next_pool == end) break;
            base = pool_end > base ? pool_end : base + kPage;
        }
    }
}

bool start_thread(Word number, const LoadedImage& image, ThreadId pager) {
    ThreadId id = ThreadId::global(number, 1);
    Result<thread::Tcb*> created = thread::try_create(id, image.space, id);
    if (!created.ok()) return false;
    thread::Tcb* tcb = created.value();
    if (!thread::try_activate(tcb, kUtcbAreaAddress, pager).ok()) return false;
    // Initial servers do not wait for a start message: they run at once.
    tcb->m_start_pending = false;
    tcb->m_receive_to_kernel = false;
    arch::set_user_ip(tcb->user_frame(), image.entry);
    arch::set_user_sp(tcb->user_frame(), 0);
    thread::make_ready(tcb);
    return true;
}

}  // namespace

void prepare_user_level(uint32_t boot_info_phys) {
    // (1)
    if (!arch::freeze_kernel_directory()) panic("no memory for the kernel's page tables");
    thread::init_tcb_array();
    build_kip(boot_info_phys);
}

bool start_initial_servers(const platform::BootInfo& boot) {
    if (boot.num_modules < 2) {
        kprintf("boot: no sigma0 and root task modules: no user level\n");
        return false;
    }
    // (2)
    LoadedImage sigma0{}, root{};
    if (!load_server(boot.modules[0], "sigma0", sigma0) || !load_server(boot.modules[1], "root task", root))
        return false;
    set_root_server(0, sigma0.entry, Word(sigma0.phys), Word(sigma0.phys + sigma0.size - 1));
    set_root_server(2, root.entry, Word(root.phys), Word(root.phys + root.size - 1));
    // (3) Node ranges first: later descriptors decide who owns what.
    const platform::Topology& topology = platform::machine_topology();
    for (unsigned n = 0; n < topology.num_nodes; ++n)
        for (unsigned r = 0; r < topology.nodes[n].num_ranges; ++r) {
            const platform::MemRange& range = topology.nodes[n].ranges[r];
            if (range.end <= range.base || range.base >= (uint64_t(1) << 32)) continue;
            uint64_t end = range.end > (uint64_t(1) << 32) ? (uint64_t(1) << 32) : range.end;
            (void)add_memory_descriptor(MemoryDescriptor::node_memory(n, Word(range.base), Word(end - 1)));
        }
    Sigma0Memory memory{sigma0.space, 0};
    mm::frames().take_all_free(give_to_sigma0, &memory);
    give_high_memory(boot, memory);
    // Low memory (the multiboot information and command lines live there) and
    // the modules: sigma0's, handed out only by address.
    add_roots(sigma0.space, kPage, kPage, 0xA0000 - kPage, Rights::Full);
    describe(MemoryType::BootLoader, kPage, 0xA0000);
    // Device memory: the legacy VGA window (text mode at 0xB8000), for drivers.
    // (The local APIC and the firmware's tables stay the kernel's.)
    add_roots(sigma0.space, kVgaWindow, kVgaWindow, kVgaWindowSize, Rights::ReadWrite);
    describe(MemoryType::Dedicated, kVgaWindow, kVgaWindow + kVgaWindowSize);
    for (unsigned i = 0; i < boot.num_modules; ++i) {
        uint64_t base = page_down(boot.modules[i].start);
        uint64_t end = page_up(boot.modules[i].end);
        add_roots(sigma0.space, base, base, end - base, Rights::Full);
        describe(MemoryType::BootLoader, base, end);
    }
    for (unsigned i = 0; i < boot.num_loader_ranges; ++i) {
        uint64_t base = page_down(boot.loader_ranges[i].start);
        uint64_t end = page_up(boot.loader_ranges[i].end);
        add_roots(sigma0.space, base, base, end - base, Rights::Full);
        describe(MemoryType::BootLoader, base, end);
    }
    describe(MemoryType::Reserved, page_down(mm::virt_to_phys(_kernel_start)), page_up(mm::virt_to_phys(_kernel_end)));
    describe(MemoryType::Reserved, sigma0.phys, sigma0.phys + sigma0.size);
    describe(MemoryType::Reserved, root.phys, root.phys + root.size);
    if (!sigma0.space->try_grant_io_ports(0, 65536)) return false;
    kprintf("boot: sigma0 owns %llu KiB of memory and all IO ports\n", (unsigned long long)(memory.pages * 4));
    // (4)
    if (!start_thread(kUserBase, sigma0, ThreadId::nil())) return false;
    if (!start_thread(kUserBase + 2, root, ThreadId::global(kUserBase, 1))) return false;
    return true;
}

}  // namespace boot
