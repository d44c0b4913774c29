// kip_page.cc: building the kernel interface page (see kip_page.h).
#include "boot/kip_page.h"

#include "arch/arch.h"
#include "arch/boot.h"
#include "arch/ia32/layout.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "mm/frame_allocator.h"
#include "platform/machine.h"
#include "platform/topology.h"
#include "thread/tcb_array.h"

namespace boot {

using namespace api;  // the X.2 layouts the KIP and the initial servers are built of

// The KIP describes each node's memory with the node number in a descriptor's
// 4-bit subtype (api/kip_descriptors.h); the kernel's topology must fit it.
// (Checked here, on the kernel's side: api/ is shared with user code and
// includes nothing of the kernel.)
static_assert(platform::kMaxNodes <= api::MemoryDescriptor::kMaxDescribedNodes,
              "NUMA node numbers must fit the memory descriptor's 4-bit subtype");

namespace {

constexpr Word kProcessorDescriptorsOffset = 0x200;
constexpr Word kKernelDescriptorOffset = 0x600;
constexpr Word kMemoryDescriptorsOffset = 0x700;
constexpr Word kStubsOffset = 0xE00;
constexpr Word kStubSpacing = 16;
constexpr unsigned kNumStubs = VECTOR_SYSCALL_COUNT;

static_assert(kMemoryDescriptorsOffset + kMaxMemoryDescriptors * sizeof(MemoryDescriptor) <= kStubsOffset);
static_assert(kProcessorDescriptorsOffset + platform::kMaxCpus * sizeof(ProcessorDescriptor) <=
              kKernelDescriptorOffset);

// Proxima's kernel id: 'P' (0x50), sub-id 1. The generation date is this
// version's; KernelVersion 0.4 (the issue that built the L4 core).
constexpr Word kKernelId = make_kernel_id(0x50, 1);

uint64_t g_kip_phys = 0;
KernelInterfacePage* g_kip = nullptr;
unsigned g_num_memory_descriptors = 0;

char* at(Word offset) { return reinterpret_cast<char*>(g_kip) + offset; }

void write_strings(char* out, const char* const* strings) {
    for (const char* const* s = strings; *s != nullptr; ++s) {
        size_t n = strlen(*s) + 1;
        memcpy(out, *s, n);
        out += n;
    }
    *out = '\0';  // an empty string ends the feature list
}

void write_stubs() {
    // The order is the KIP's order of system-call words, from SpaceControl to
    // Schedule; what a stub holds is the architecture's (arch/boot.h).
    Word* words = &g_kip->space_control;
    for (unsigned i = 0; i < kNumStubs; ++i) {
        arch::write_syscall_stub(i, reinterpret_cast<uint8_t*>(at(kStubsOffset + i * kStubSpacing)));
        words[i] = kStubsOffset + i * kStubSpacing;
    }
}

}  // namespace

void build_kip(Word boot_info_phys) {
    g_kip_phys = mm::frames().try_allocate(1);
    if (g_kip_phys == 0) panic("no memory for the kernel interface page");
    g_kip = static_cast<KernelInterfacePage*>(mm::phys_to_virt(g_kip_phys));
    memset(g_kip, 0, 4096);
    const platform::Topology& topology = platform::machine_topology();

    g_kip->magic = kKipMagic;
    g_kip->api_version = ApiVersion::make(kApiVersionX2, kApiSubversionPistachio);
    g_kip->api_flags = ApiFlags(0);  // little endian, 32-bit words
    g_kip->kernel_descriptor_offset = kKernelDescriptorOffset;
    g_kip->utcb_info = UtcbInfo::make(1, 9, 12);  // 512-byte UTCBs, 512-aligned, areas >= 4 KiB
    g_kip->kip_area_info = KipAreaInfo(12);       // the KIP area is one 4 KiB page
    g_kip->boot_info = boot_info_phys;
    g_kip->processor_descriptors_offset = kProcessorDescriptorsOffset;
    g_kip->clock_info = ClockInfo::make(1, 10'000);  // read in 1 us, scheduled in 10 ms ticks (us)
    g_kip->thread_info = ThreadInfo::make(thread::kThreadNumberBits, kSystemBase, kUserBase);
    g_kip->page_info = PageInfo::make((Word{1} << 12) | (Word{1} << 22), Rights::ReadWrite);
    g_kip->processor_info = ProcessorInfo::make(topology.num_cpus, kLog2ProcessorDescriptorSize);
    g_kip->memory_info = MemoryInfo::make(kMemoryDescriptorsOffset, 0);

    ProcessorDescriptor* cpus = reinterpret_cast<ProcessorDescriptor*>(at(kProcessorDescriptorsOffset));
    Word khz = Word(arch::cycles_per_second() / 1000);
    for (unsigned i = 0; i < topology.num_cpus; ++i)
        cpus[i] = ProcessorDescriptor{0, khz, 0, NodeWord::of(topology.cpus[i].node)};

    KernelDescriptor* kernel = reinterpret_cast<KernelDescriptor*>(at(kKernelDescriptorOffset));
    kernel->kernel_id = kKernelId;
    kernel->generation_date = make_generation_date(2026, 11, 27);
    kernel->kernel_version = make_kernel_version(0, 4, 0);
    memcpy(kernel->supplier, "Prox", 4);
    const char* const strings[] = {"Proxima L4 X.2 kernel for NUMA machines (IA32)", "smp", kNumaFeature, nullptr};
    write_strings(reinterpret_cast<char*>(kernel + 1), strings);

    write_stubs();
}

bool add_memory_descriptor(MemoryDescriptor descriptor) {
    if (g_num_memory_descriptors == kMaxMemoryDescriptors) return false;
    MemoryDescriptor* table = reinterpret_cast<MemoryDescriptor*>(at(kMemoryDescriptorsOffset));
    table[g_num_memory_descriptors++] = descriptor;
    g_kip->memory_info = MemoryInfo::make(kMemoryDescriptorsOffset, g_num_memory_descriptors);
    return true;
}

void set_root_server(unsigned which, Word ip, Word low, Word high) {
    KipRootServer& server = which == 0 ? g_kip->sigma0 : g_kip->root_server;
    server = KipRootServer{0, ip, KipMemRegion{low, high}};
}

const KernelInterfacePage* kip_page() { return g_kip; }
uint64_t kip_page_phys() { return g_kip_phys; }
Word kip_kernel_id() { return kKernelId; }

}  // namespace boot
