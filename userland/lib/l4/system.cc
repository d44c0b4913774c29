// system.cc: SystemClock, ProcessorControl, MemoryControl through their KIP stubs.
#include "l4/system.h"

#include "l4/kip.h"
#include "l4/utcb.h"

namespace l4 {

uint64_t system_clock() {
    Word low, high;
    Word ecx = stub(kip().system_clock);
    asm volatile("call *%%ecx" : "=a"(low), "=d"(high), "+c"(ecx) : : "esi", "edi", "memory", "cc");
    return (uint64_t{high} << 32) | low;
}

Word processor_control(Word processor, Word internal_frequency, Word external_frequency, Word voltage) {
    Word indirect[2] = {0, stub(kip().processor_control)};
    Word* pointer = indirect;
    Word eax = processor, ecx = internal_frequency, edx = external_frequency, esi = voltage;
    asm volatile(
        "pushl %%ebp\n\t"
        "movl 4(%%edi), %%ebx\n\t"
        "movl (%%edi), %%edi\n\t"
        "call *%%ebx\n\t"
        "popl %%ebp"
        : "+a"(eax), "+c"(ecx), "+d"(edx), "+S"(esi), "+D"(pointer)
        :
        : "ebx", "memory", "cc");
    return eax;
}

Word memory_control(Word control, const Word attributes[4]) {
    // Every register carries an argument, so the stub address waits on the stack.
    Word* mrs = utcb_pointer();
    Word indirect[2] = {reinterpret_cast<Word>(mrs), stub(kip().memory_control)};
    Word* pointer = indirect;
    Word eax = control, esi = mrs[0];
    const Word* ecx = attributes;
    asm volatile(
        "pushl %%ebp\n\t"
        "pushl 4(%%edi)\n\t"
        "movl (%%edi), %%edi\n\t"
        "movl 12(%%ecx), %%ebp\n\t"
        "movl 8(%%ecx), %%ebx\n\t"
        "movl 4(%%ecx), %%edx\n\t"
        "movl (%%ecx), %%ecx\n\t"
        "call *(%%esp)\n\t"
        "addl $4, %%esp\n\t"
        "popl %%ebp"
        : "+a"(eax), "+c"(ecx), "+S"(esi), "+D"(pointer)
        :
        : "ebx", "edx", "memory", "cc");
    return eax;
}

}  // namespace l4
