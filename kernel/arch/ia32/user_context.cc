// user_context.cc: IA32 side of arch/user.h: user registers, new thread
// stacks and the per-CPU state that follows the running thread.
#include "arch/user.h"

#include "arch/ia32/cpu_setup.h"
#include "arch/ia32/layout.h"
#include "arch/ia32/trap.h"
#include "lib/per_cpu.h"
#include "lib/string.h"

extern "C" void arch_switch_stacks(uint32_t* save_esp, const uint32_t* next_esp);
extern "C" char thread_first_run[];

namespace arch {

struct UserFrame : ia32::TrapFrame {};

namespace {

// EFLAGS bits: 0 CF, 2 PF, 4 AF, 6 ZF, 7 SF, 8 TF, 9 IF, 10 DF, 11 OF, 12-13 IOPL.
constexpr uint32_t kUserChangeableFlags = 0x00000CD5;  // CF PF AF ZF SF DF OF
constexpr uint32_t kFlagsReserved1 = 1u << 1;
constexpr uint32_t kFlagsInterrupt = 1u << 9;

/// A space's IO bitmap into the running CPU's TSS, enabled; out of line (a copy
/// of 8 KiB, rare: see set_user_context).
[[gnu::noinline, gnu::cold]] void copy_io_bitmap(const uint8_t* bitmap) {
    ia32::gdts().on(cpu_index()).load_io_bitmap(bitmap);
}

}  // namespace

size_t user_frame_size() { return sizeof(UserFrame); }

UserFrame* user_frame_at(uintptr_t stack_top) { return reinterpret_cast<UserFrame*>(stack_top - sizeof(UserFrame)); }

uintptr_t user_ip(const UserFrame* frame) { return frame->eip; }
uintptr_t user_sp(const UserFrame* frame) { return frame->user_esp; }
uint32_t user_flags(const UserFrame* frame) { return frame->eflags; }
void set_user_ip(UserFrame* frame, uintptr_t ip) { frame->eip = uint32_t(ip); }
void set_user_sp(UserFrame* frame, uintptr_t sp) { frame->user_esp = uint32_t(sp); }
void set_user_flags(UserFrame* frame, uint32_t flags) {
    frame->eflags = (flags & kUserChangeableFlags) | kFlagsReserved1 | kFlagsInterrupt;
}

uint32_t prepare_user_thread_stack(uintptr_t stack_top, uintptr_t ip, uintptr_t sp) {
    UserFrame* frame = user_frame_at(stack_top);
    memset(frame, 0, sizeof(UserFrame));
    frame->eip = uint32_t(ip);
    frame->cs = SEL_USER_CODE;
    frame->eflags = kFlagsReserved1 | kFlagsInterrupt;
    frame->user_esp = uint32_t(sp);
    frame->user_ss = SEL_USER_DATA;
    // Below the frame: the argument slot trap_return pops, then the switch
    // frame of switch.S (edi, esi, ebx, ebp, return address).
    uint32_t* words = reinterpret_cast<uint32_t*>(frame);
    *--words = 0;
    *--words = uint32_t(uintptr_t(thread_first_run));
    for (int i = 0; i < 4; ++i) *--words = 0;
    return uint32_t(uintptr_t(words));
}

uint32_t prepare_kernel_thread_stack(uintptr_t stack_top, void (*entry)()) {
    uint32_t* words = reinterpret_cast<uint32_t*>(stack_top);
    *--words = 0;  // a return address for entry, which never returns
    *--words = uint32_t(uintptr_t(entry));
    for (int i = 0; i < 4; ++i) *--words = 0;
    return uint32_t(uintptr_t(words));
}

void switch_stacks(uint32_t* save_esp, const uint32_t* next_esp) { arch_switch_stacks(save_esp, next_esp); }

uint64_t utcb_segment(uintptr_t utcb_location) { return ia32::Gdt::utcb_descriptor(utcb_location); }

// The IO bitmap behind the TSS keeps the last one loaded (CpuLocal's
// io_loaded_key says whose), and entering a space without ports only turns it
// off, so that going back to the space that holds it copies nothing: an IPC
// between a space with ports (a root task's console) and one without costs no
// more than between two spaces without. Everything goes through FS, the
// running CPU's own Gdt (gdt.h, Gdt::Running).
[[gnu::always_inline]] void set_user_context(uintptr_t kernel_stack_top, uint64_t utcb_segment,
                                             const uint8_t* io_bitmap, uintptr_t io_key) {
    using Running = ia32::Gdt::Running;
    Running::set_kernel_stack(kernel_stack_top);
    Running::set_utcb_segment(utcb_segment);
    if (io_bitmap == nullptr) {
        if (Running::io_enabled()) {
            Running::disable_io_bitmap();
            Running::set_io_enabled(false);
        }
        return;
    }
    if (Running::io_loaded_key() != io_key) {
        copy_io_bitmap(io_bitmap);
        Running::set_io_loaded_key(io_key);
    } else if (!Running::io_enabled()) {
        Running::enable_io_bitmap();
    }
    Running::set_io_enabled(true);
}

}  // namespace arch
