// main.cc: the boot sequence, from boot.S to a running SMP kernel.
//
//  (1) console and C++ runtime        (5) topology from ACPI (or fake NUMA),
//  (2) our own GDT/IDT on this CPU        then one kernel memory pool per node
//  (3) multiboot info, boot options   (6) local APIC, clocks, timer
//  (4) physical memory                (7) the other CPUs (INIT-SIPI-SIPI),
//                                         each node's copy of the code
//                                     (8) self-tests (or exit QEMU)
//                                     (9) every CPU's idle thread, sigma0 and
//                                         the root task, scheduling
#include <stdint.h>

#include "boot/initial_servers.h"
#include "arch/arch.h"
#include "arch/boot.h"
#include "arch/mmu.h"
#include "lib/console.h"
#include "lib/cxx_runtime.h"
#include "lib/panic.h"
#include "mm/frame_allocator.h"
#include "mm/code_replica.h"
#include "mm/kmem.h"
#include "mm/page_walk.h"
#include "platform/acpi/phys_reader.h"
#include "platform/acpi/table_dump.h"
#include "platform/acpi/topology_builder.h"
#include "platform/acpi/topology_report.h"
#include "platform/boot_options.h"
#include "platform/debug_exit.h"
#include "syscall/kcheck.h"
#include "platform/machine.h"
#include "platform/multiboot.h"
#include "smp/cross_call.h"
#include "smp/online.h"
#include "test/ktest.h"
#include "thread/scheduler.h"

extern "C" char _kernel_start[], _kernel_end[];

namespace {

platform::BootInfo g_boot_info;
uint32_t g_info_phys = 0;
bool g_scheduling_started = false;  // the secondary CPUs wait for it
platform::MemRange g_ram[32];
unsigned g_num_ram;

// Boot-time physical reads: the loader's structures lie in low memory, which
// boot.S mapped at 0xC0000000 (4 MiB pages up to 512 MiB).
const void* boot_phys_to_virt(uint64_t phys, size_t len) {
    if (phys + len > mm::FrameAllocator::kManagedLimit) return nullptr;
    return mm::phys_to_virt(phys);
}

// ACPI tables may lie above the direct map (guests with more than 512 MiB).
class KernelPhysReader final : public acpi::PhysReader {
public:
    const uint8_t* map(uint64_t phys, size_t len) override {
        if (phys + len <= mm::FrameAllocator::kManagedLimit) return static_cast<const uint8_t*>(mm::phys_to_virt(phys));
        return static_cast<const uint8_t*>(arch::map_physical(phys, len));
    }
};

// Collects whole lines and prints each with one kprintf, so a line is never
// split by another CPU's output.
class ConsoleSink final : public kstd::CharSink {
public:
    ~ConsoleSink() { flush(); }
    void put(char c) override {
        m_line[m_len++] = c;
        if (c == '\n' || m_len == sizeof(m_line) - 1) flush();
    }

private:
    void flush() {
        m_line[m_len] = '\0';
        if (m_len != 0) kprintf("%s", m_line);
        m_len = 0;
    }
    char m_line[160];
    size_t m_len = 0;
};

void init_memory_map() {
    // (4) Usable RAM, minus what is already in use: the first megabyte (BIOS
    // data, the AP trampoline), the kernel image and the boot modules.
    for (unsigned i = 0; i < g_boot_info.num_memory_entries; ++i) {
        const platform::MemoryMapEntry& e = g_boot_info.memory[i];
        kprintf("memory: [%llx, %llx) %s\n", (unsigned long long)e.base, (unsigned long long)(e.base + e.length),
                e.type == 1 ? "usable" : (e.type == 3 ? "ACPI tables" : (e.type == 4 ? "ACPI NVS" : "reserved")));
        if (e.type != 1 || e.length == 0) continue;
        mm::frames().mark_free(e.base, e.base + e.length);
        if (g_num_ram < 32) g_ram[g_num_ram++] = {e.base, e.base + e.length};
    }
    mm::frames().reserve(0, 0x100000);
    mm::frames().reserve(mm::virt_to_phys(_kernel_start), mm::virt_to_phys(_kernel_end));
    for (unsigned i = 0; i < g_boot_info.num_modules; ++i) {
        const platform::BootModule& m = g_boot_info.modules[i];
        kprintf("module: [%x, %x) %s\n", m.start, m.end, m.name);
        mm::frames().reserve(m.start, m.end);
    }
    // The loader's structures stay: the root task reads them (docs/user-boot.md).
    for (unsigned i = 0; i < g_boot_info.num_loader_ranges; ++i)
        mm::frames().reserve(g_boot_info.loader_ranges[i].start, g_boot_info.loader_ranges[i].end);
    kprintf("memory: %u KiB free for the kernel\n", unsigned(mm::frames().free_pages() * 4));
}

void build_machine_topology() {
    // (5)
    const platform::BootOptions& options = platform::boot_options();
    acpi::TopologyOptions topo_options;
    topo_options.numa_mode = options.numa;
    topo_options.fake_nodes = options.fake_nodes;
    topo_options.ram_ranges = g_ram;
    topo_options.num_ram_ranges = g_num_ram;
    KernelPhysReader reader;
    ConsoleSink console_sink;
    if (options.acpi_dump) acpi::dump_tables(reader, topo_options, console_sink);
    platform::Topology& topology = platform::machine_topology_for_boot();
    acpi::build_topology(reader, topo_options, console_sink, topology);
    acpi::print_topology(topology, console_sink);
}

void load_own_kernel_directory(void*) { arch::load_directory(mm::kernel_directory_for(arch::cpu_index())); }

// (7) Kernel code replication (Lab 2, mm/code_replica.h): after the kernel
// directory is frozen, before the first address space; every CPU then loads
// its node's kernel directory. One line says which nodes run a copy.
void replicate_kernel_code() {
    const platform::Topology& topology = platform::machine_topology();
    if (!platform::boot_options().replicate_code) {
        kprintf("kernel code: one copy, on the image's node (replicate=off)\n");
        return;
    }
    mm::replicate_kernel_code();
    smp::call_on_all(load_own_kernel_directory, nullptr, smp::Wait::Yes);
    // Read from the page tables, not taken from the code that built them.
    kprintf("kernel code: the frame each cpu runs lies on node");
    for (unsigned cpu = 0; cpu < topology.num_cpus; ++cpu)
        kprintf(" %d", int(mm::node_of_phys(mm::walk(mm::kernel_directory_for(cpu), arch::kernel_code().start))));
    kprintf("\n");
}

}  // namespace

extern "C" [[noreturn]] void kernel_main(uint32_t magic, uint32_t info_phys) {
    g_info_phys = info_phys;
    // (1)
    console::init();
    run_global_constructors();
    kprintf("\nProxima: an L4 microkernel for NUMA machines (IA32)\n");
    // (2)
    arch::early_init();
    // (3)
    if (magic != platform::kMultibootBootloaderMagic) panic("not started by a multiboot loader (magic %x)", magic);
    const char* error = nullptr;
    if (!platform::parse_multiboot(info_phys, boot_phys_to_virt, g_boot_info, &error)) panic("multiboot: %s", error);
    platform::init_boot_options(g_boot_info.cmdline);
    const platform::BootOptions& options = platform::boot_options();
    arch::choose_ipc_entries(options.ipc_fast_path, options.sysenter);
    kprintf("command line: %s\n", g_boot_info.cmdline);
    if (options.unknown[0] != '\0')
        kprintf("boot options the kernel does not know (left to the root task): %s\n", options.unknown);
    if (options.tests_cut)
        kprintf("warning: the test= list is longer than %u characters; the rest is ignored\n",
                unsigned(sizeof(options.tests) - 1));
    // (4)
    init_memory_map();
    arch::init_memory();
    // (5)
    build_machine_topology();
    const platform::Topology& topology = platform::machine_topology();
    kmem::boot_init(topology, options.kmem_pool_bytes, g_ram, g_num_ram);
    // (6)
    arch::init_interrupts(topology);
    // (7)
    unsigned online = options.smp ? arch::start_secondary_cpus(topology) : smp::online_count();
    arch::finish_boot();
    kprintf("smp: %u of %u cpus online\n", online, topology.num_cpus);
    boot::prepare_user_level(g_info_phys);
    replicate_kernel_code();
    // (8)
    ktest::Summary summary = ktest::run_selected(options.tests, options.nonce);
    kprintf("BOOT %s complete cpus=%u nodes=%u\n", options.nonce[0] != '\0' ? options.nonce : "-", online,
            topology.num_nodes);
    // (9) The user level: sigma0 and the root task, when the loader gave us them.
    // With `exit`, a run whose own self-tests failed ends here; otherwise the
    // root task ends it when it is done (the test root task after its tests,
    // the base OS when all its tasks have ended: docs/user-boot.md), and a run
    // without a root task ends here too.
    if (options.exit_when_done && summary.failed != 0) platform::debug_exit(platform::ExitStatus::TestFailed);
    thread::create_idle_threads();
    bool user_level = boot::start_initial_servers(g_boot_info);
    if (!user_level && summary.user_tests) {
        kprintf("KTEST %s summary passed=0 failed=1\n", options.nonce[0] != '\0' ? options.nonce : "-");
        kprintf("user-level tests were asked for, but there is no root task to run them\n");
        platform::debug_exit(platform::ExitStatus::TestFailed);
    }
    if (options.exit_when_done && !user_level) {
        (void)kcheck::check_kernel();  // the grader reads its lines (syscall/kcheck.h)
        platform::debug_exit(platform::ExitStatus::Success);
    }
    __atomic_store_n(&g_scheduling_started, true, __ATOMIC_RELEASE);
    thread::start_scheduling();
}

[[noreturn]] void smp_secondary_main() {
    arch::enable_interrupts();
    while (!__atomic_load_n(&g_scheduling_started, __ATOMIC_ACQUIRE)) arch::wait_for_interrupt();
    thread::start_scheduling();
}
