// thread.cc: ThreadControl, ExchangeRegisters, ThreadSwitch and Schedule through their
// KIP stubs (register conventions in thread.h).
#include "l4/thread.h"

#include "l4/kip.h"

namespace l4 {

Word thread_control(ThreadId dest, ThreadId space, ThreadId scheduler, ThreadId pager, Word utcb_location) {
    Word indirect[2] = {utcb_location, stub(kip().thread_control)};
    Word* pointer = indirect;
    Word eax = dest.raw(), ecx = pager.raw(), edx = scheduler.raw(), esi = space.raw();
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

ThreadId exchange_registers(ThreadId dest, ThreadRegisters& regs) {
    // One block in memory for the six in/out words and the stub: ESI points at it
    // until the last moment, and is swapped back in from the stack after the call.
    Word block[7] = {regs.control, regs.sp,          regs.ip, regs.flags, regs.user_handle,
                     regs.pager.raw(), stub(kip().exchange_registers)};
    Word* pointer = block;
    Word eax = dest.raw();
    asm volatile(
        "pushl %%ebp\n\t"
        "pushl %%esi\n\t"
        "pushl 24(%%esi)\n\t"
        "movl (%%esi), %%ecx\n\t"
        "movl 4(%%esi), %%edx\n\t"
        "movl 12(%%esi), %%edi\n\t"
        "movl 16(%%esi), %%ebx\n\t"
        "movl 20(%%esi), %%ebp\n\t"
        "movl 8(%%esi), %%esi\n\t"
        "call *(%%esp)\n\t"
        "addl $4, %%esp\n\t"
        "xchgl %%esi, (%%esp)\n\t"
        "movl %%ecx, (%%esi)\n\t"
        "movl %%edx, 4(%%esi)\n\t"
        "movl %%edi, 12(%%esi)\n\t"
        "movl %%ebx, 16(%%esi)\n\t"
        "movl %%ebp, 20(%%esi)\n\t"
        "popl %%ecx\n\t"
        "movl %%ecx, 8(%%esi)\n\t"
        "popl %%ebp"
        : "+a"(eax), "+S"(pointer)
        :
        : "ebx", "ecx", "edx", "edi", "memory", "cc");
    regs.control = block[0];
    regs.sp = block[1];
    regs.ip = block[2];
    regs.flags = block[3];
    regs.user_handle = block[4];
    regs.pager = ThreadId::from_raw(block[5]);
    return ThreadId::from_raw(eax);
}

void thread_switch(ThreadId dest) {
    Word eax = dest.raw();
    Word ecx = stub(kip().thread_switch);
    asm volatile("call *%%ecx" : "+a"(eax), "+c"(ecx) : : "edx", "memory", "cc");
}

Word schedule(ThreadId dest, Word time_control, Word processor_control, Word prio_control,
              Word preemption_control, Word* old_time_control) {
    Word indirect[2] = {preemption_control, stub(kip().schedule)};
    Word* pointer = indirect;
    Word eax = dest.raw(), ecx = prio_control, edx = time_control, esi = processor_control;
    asm volatile(
        "pushl %%ebp\n\t"
        "movl 4(%%edi), %%ebx\n\t"
        "movl (%%edi), %%edi\n\t"
        "call *%%ebx\n\t"
        "popl %%ebp"
        : "+a"(eax), "+c"(ecx), "+d"(edx), "+S"(esi), "+D"(pointer)
        :
        : "ebx", "memory", "cc");
    if (old_time_control != nullptr) *old_time_control = edx;
    return eax;
}

}  // namespace l4
