// online.cc: see online.h.
#include "smp/online.h"

#include "platform/topology.h"

namespace smp {
namespace {

bool g_online[platform::kMaxCpus];

}  // namespace

void mark_online(unsigned cpu) { __atomic_store_n(&g_online[cpu], true, __ATOMIC_RELEASE); }

bool cpu_online(unsigned cpu) { return cpu < platform::kMaxCpus && __atomic_load_n(&g_online[cpu], __ATOMIC_ACQUIRE); }

unsigned online_count() {
    unsigned n = 0;
    for (unsigned cpu = 0; cpu < platform::kMaxCpus; ++cpu) n += cpu_online(cpu) ? 1 : 0;
    return n;
}

}  // namespace smp
