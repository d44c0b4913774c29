// host_arch.cc: the few kernel services that kernel code tested on the host
// calls (arch/arch.h, lib/lab.h), done the host's way.
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <sched.h>

#include "arch/arch.h"
#include "lib/lab.h"
#include "lib/panic.h"

namespace arch {

void cpu_relax() { sched_yield(); }
bool interrupts_enabled() { return false; }
void enable_interrupts() {}
void disable_interrupts() {}

}  // namespace arch

// A broken kernel invariant (KASSERT) in code under test: report and stop.
void panic(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    std::fputs("PANIC: ", stderr);
    std::vfprintf(stderr, fmt, args);
    std::fputc('\n', stderr);
    va_end(args);
    std::abort();
}

// In a handout the lab's files still have their holes: say which, and stop.
void lab_missing(unsigned lab, const char* file, const char* function) {
    std::fprintf(stderr, "LAB %u: %s: %s() is not written yet (find 'LAB %u: your code here' in that file)\n", lab,
                 file, function, lab);
    std::abort();
}
