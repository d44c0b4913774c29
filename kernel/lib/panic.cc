// panic.cc: see panic.h.
#include "lib/panic.h"

#include <stdarg.h>

#include "arch/arch.h"
#include "lib/console.h"
#include "lib/format.h"
#include "lib/ksyms.h"
#include "platform/boot_options.h"
#include "platform/debug_exit.h"

namespace {

bool g_panicking = false;

bool plausible_frame(uintptr_t fp) {
    constexpr uintptr_t kKernelBase = 0xC0000000;
    return fp >= kKernelBase && (fp & 3) == 0 && fp < UINTPTR_MAX - 8;
}

}  // namespace

bool panic_in_progress() { return __atomic_load_n(&g_panicking, __ATOMIC_ACQUIRE); }

void print_backtrace(uintptr_t frame_pointer) {
    kprintf("backtrace:\n");
    // Each frame (built by -fno-omit-frame-pointer prologues) starts with the
    // caller's frame pointer, followed by the return address:
    //   [fp + 4] return address      [fp] caller's fp
    uintptr_t fp = frame_pointer;
    for (int depth = 0; depth < 24 && plausible_frame(fp); ++depth) {
        const uintptr_t* frame = reinterpret_cast<const uintptr_t*>(fp);
        uintptr_t ret = frame[1];
        if (ret == 0) break;
        ksyms::print_address(ret);
        uintptr_t next = frame[0];
        if (next <= fp) break;  // the stack grows down, so callers' frames lie above
        fp = next;
    }
}

void panic_stop() {
    arch::disable_interrupts();
    __atomic_store_n(&g_panicking, true, __ATOMIC_RELEASE);
    arch::stop_other_cpus();
    if (platform::boot_options().exit_when_done) {
        kprintf("leaving QEMU with the panic status\n");
        platform::debug_exit(platform::ExitStatus::Panic);
    }
    kprintf("kernel halted; to debug: make qemu-gdb (same TOPO/KARGS), then make gdb\n");
    arch::halt_forever();
}

void panic(const char* fmt, ...) {
    arch::disable_interrupts();
    bool first = !__atomic_exchange_n(&g_panicking, true, __ATOMIC_ACQ_REL);
    if (!first) arch::halt_forever();  // another CPU is already reporting
    console::break_lock();
    // The message is one line, escaped: lab code may panic (and lab_missing
    // does, with strings a student wrote), and nothing it says may start a
    // line of its own that the grader would read as a result.
    static char message[256];
    static char escaped[sizeof message * 2];
    va_list args;
    va_start(args, fmt);
    kstd::vformat_to(message, sizeof message, fmt, args);
    va_end(args);
    kstd::escape_to(escaped, sizeof escaped, message);
    kprintf("PANIC cpu=%u: %s\n", arch::cpu_index(), escaped);
    print_backtrace(uintptr_t(__builtin_frame_address(0)));
    panic_stop();
}
