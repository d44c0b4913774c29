// main.cc: sigma0, the first user program: the owner of all physical memory and of
// the IO ports, and the pager of the root task (docs/user-boot.md).
//
// It reads the KIP's memory descriptors, says what it found in one line, and then
// answers page faults and requests for ever (server.h). Sigma0 has no pager: it
// touches only its own image and the memory the kernel mapped it 1:1.
#include "l4/kip.h"
#include "l4/print.h"
#include "physical_memory.h"
#include "server.h"

namespace {
sigma0::PhysicalMemory g_memory;
}

int main() {
    g_memory.build_from_kip();
    l4::printf("sigma0: %u KiB conventional memory, %u KiB boot-loader memory, %u CPUs\n",
               static_cast<unsigned>(g_memory.conventional_bytes() >> 10),
               static_cast<unsigned>(g_memory.boot_loader_bytes() >> 10), l4::processor_count());
    l4::printf("sigma0: NUMA nodes with memory (bit n: node n): %x\n", g_memory.nodes_with_memory());
    if (g_memory.ignored_bytes() != 0)
        l4::printf("sigma0: %u KiB of memory above 2 GiB left unused\n",
                   static_cast<unsigned>(g_memory.ignored_bytes() >> 10));
    sigma0::serve(g_memory);
}
