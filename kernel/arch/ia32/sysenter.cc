// sysenter.cc: the choice of the Ipc stub's way in, and each CPU's SYSENTER
// MSRs (see sysenter.h).
#include "arch/ia32/sysenter.h"

#include "arch/boot.h"

#include "arch/ia32/cpu.h"
#include "arch/ia32/cpu_setup.h"
#include "arch/ia32/layout.h"

extern "C" char sysenter_entry[];
extern "C" char sysenter_general_entry[];

namespace ia32 {

namespace {

constexpr uint32_t kMsrSysenterCs = 0x174;
constexpr uint32_t kMsrSysenterEsp = 0x175;
constexpr uint32_t kMsrSysenterEip = 0x176;
constexpr uint32_t kCpuidSep = 1u << 11;  // CPUID.1:EDX, SYSENTER/SYSEXIT

// Where sysenter enters: 0 (not in use), or one of ipc_fast.S's two entries.
// Written once on the boot CPU before any other CPU starts.
uintptr_t g_entry = 0;

}  // namespace

void choose_sysenter(bool wanted, bool fast_path) {
    // SEP on a Pentium Pro (family 6, model < 3, stepping < 3) is a false claim.
    CpuidResult id = cpuid(1);
    unsigned family = (id.eax >> 8) & 0xF, model = (id.eax >> 4) & 0xF, stepping = id.eax & 0xF;
    bool has_sep = (id.edx & kCpuidSep) != 0 && !(family == 6 && model < 3 && stepping < 3);
    g_entry = 0;
    if (wanted && has_sep) g_entry = uintptr_t(fast_path ? sysenter_entry : sysenter_general_entry);
    load_sysenter(gdts().on(0).sysenter_stack_top());
}

bool sysenter_in_use() { return g_entry != 0; }

void load_sysenter(uintptr_t stack_top) {
    if (g_entry == 0) return;
    // SS is CS + 8: SEL_KERNEL_DATA (layout.h).
    static_assert(SEL_KERNEL_DATA == SEL_KERNEL_CODE + 8);
    wrmsr(kMsrSysenterCs, SEL_KERNEL_CODE);
    wrmsr(kMsrSysenterEsp, stack_top);
    wrmsr(kMsrSysenterEip, g_entry);
}

}  // namespace ia32

namespace arch {

bool fast_syscall_instruction_in_use() { return ia32::sysenter_in_use(); }

void write_syscall_stub(unsigned index, uint8_t* at) {
    constexpr unsigned kIpc = 4;  // VECTOR_SYSCALL_FIRST + 4
    if (index == kIpc && ia32::sysenter_in_use()) {
        // movl (%esp), %ebx; leal 4(%esp), %ebp; sysenter (sysenter.h)
        constexpr uint8_t kSysenterStub[] = {0x8B, 0x1C, 0x24, 0x8D, 0x6C, 0x24, 0x04, 0x0F, 0x34};
        for (unsigned i = 0; i < sizeof(kSysenterStub); ++i) at[i] = kSysenterStub[i];
        return;
    }
    at[0] = 0xCD;  // int $vector
    at[1] = uint8_t(VECTOR_SYSCALL_FIRST + index);
    at[2] = 0xC3;  // ret
}

}  // namespace arch
