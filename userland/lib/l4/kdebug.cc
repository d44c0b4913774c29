// kdebug.cc: the int3 kernel-debugger calls (convention in kdebug.h).
#include "l4/kdebug.h"

namespace l4::kdebug {

void putchar(char c) { asm volatile("int3\n\tcmpb $0, %%al" : : "a"(c) : "memory"); }

void puts(const char* s) { asm volatile("int3\n\tcmpb $1, %%al" : : "a"(s) : "memory"); }

int try_getchar() {
    unsigned result;
    asm volatile("int3\n\tcmpb $0xd, %%al" : "=a"(result) : : "memory");
    result &= 0xFF;
    return result == 0xFF ? -1 : static_cast<int>(result);
}

namespace {

/// kdebug op 0x50: the kernel's answer to statistics selector `selector`.
unsigned statistic(unsigned selector) {
    unsigned value = selector;
    asm volatile("int3\n\tcmpb $0x50, %%al" : "+a"(value) : : "memory");
    return value;
}

}  // namespace

unsigned kernel_statistic(Statistic which) { return statistic(static_cast<unsigned>(which)); }

unsigned tcb_node(unsigned number) { return number > 0xFFF ? ~0u : statistic(0x1000 + number); }

unsigned node_distance(unsigned from, unsigned to) {
    return from > 0xF || to > 0xF ? ~0u : statistic(0x2000 + 16 * from + to);
}

unsigned space_home_node(unsigned number) { return number > 0xFFF ? ~0u : statistic(0x3000 + number); }
unsigned utcb_node(unsigned number) { return number > 0xFFF ? ~0u : statistic(0x4000 + number); }
unsigned fast_ipcs(unsigned number) { return number > 0xFFF ? ~0u : statistic(0x5000 + number); }

unsigned kernel_pool_free_bytes(unsigned node) { return node > 0xFF ? ~0u : statistic(0x100 + node); }

void enter(const char* message) {
    puts(message);
    // The kernel prints the string whose address the skipped `mov` carries.
    for (;;)
        asm volatile(
            "int3\n\tjmp 1f\n\tmov $2f, %%eax\n\t"
            ".pushsection .rodata\n2: .asciz \"kdebug::enter\"\n\t.popsection\n1:"
            :
            :
            : "eax", "memory");
}

unsigned physical_in_space(unsigned number, unsigned address) {
    unsigned value = address;
    asm volatile("int3\n\tcmpb $0x51, %%al" : "+a"(value) : "c"(number) : "memory");
    return value;
}

unsigned writable_in_space(unsigned number, unsigned address) {
    unsigned value = address;
    asm volatile("int3\n\tcmpb $0x52, %%al" : "+a"(value) : "c"(number) : "memory");
    return value;
}

unsigned check_invariants() {
    unsigned value = 0;
    asm volatile("int3\n\tcmpb $0x53, %%al" : "+a"(value) : : "memory");
    return value;
}

bool describe_thread(unsigned number) {
    unsigned value = number;
    asm volatile("int3\n\tcmpb $0x54, %%al" : "+a"(value) : : "memory");
    return value == 0;
}

}  // namespace l4::kdebug
