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

unsigned kernel_statistic(Statistic which) {
    unsigned value = static_cast<unsigned>(which);
    asm volatile("int3\n\tcmpb $0x50, %%al" : "+a"(value) : : "memory");
    return value;
}

unsigned tcb_node(unsigned number) {
    if (number > 0xFFF) return ~0u;
    unsigned value = 0x1000 + number;
    asm volatile("int3\n\tcmpb $0x50, %%al" : "+a"(value) : : "memory");
    return value;
}

unsigned node_distance(unsigned from, unsigned to) {
    if (from > 0xF || to > 0xF) return ~0u;
    unsigned value = 0x2000 + 16 * from + to;
    asm volatile("int3\n\tcmpb $0x50, %%al" : "+a"(value) : : "memory");
    return value;
}

unsigned space_home_node(unsigned number) {
    if (number > 0xFFF) return ~0u;
    unsigned value = 0x3000 + number;
    asm volatile("int3\n\tcmpb $0x50, %%al" : "+a"(value) : : "memory");
    return value;
}

unsigned kernel_pool_free_bytes(unsigned node) {
    unsigned value = 0x100 + (node & 0xFF);
    if (node > 0xFF) return ~0u;
    asm volatile("int3\n\tcmpb $0x50, %%al" : "+a"(value) : : "memory");
    return value;
}

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

}  // namespace l4::kdebug
