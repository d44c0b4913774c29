// space.cc: SpaceControl and Unmap through their KIP stubs (conventions in space.h).
#include "l4/space.h"

#include "l4/kip.h"
#include "l4/utcb.h"

namespace l4 {

Word space_control(ThreadId space, Word control, Fpage kip_area, Fpage utcb_area, ThreadId redirector,
                   Word* old_control) {
    Word indirect[2] = {redirector.raw(), stub(kip().space_control)};
    Word* pointer = indirect;
    Word eax = space.raw(), ecx = control, edx = kip_area.raw(), esi = utcb_area.raw();
    asm volatile(
        "pushl %%ebp\n\t"
        "movl 4(%%edi), %%ebx\n\t"
        "movl (%%edi), %%edi\n\t"
        "call *%%ebx\n\t"
        "popl %%ebp"
        : "+a"(eax), "+c"(ecx), "+d"(edx), "+S"(esi), "+D"(pointer)
        :
        : "ebx", "memory", "cc");
    if (old_control != nullptr) *old_control = ecx;
    return eax;
}

void unmap(Word control) {
    Word* mrs = utcb_pointer();
    Word indirect[2] = {reinterpret_cast<Word>(mrs), stub(kip().unmap)};
    Word* pointer = indirect;
    Word mr0 = mrs[0];
    Word eax = control;
    asm volatile(
        "pushl %%ebp\n\t"
        "movl 4(%%edi), %%ebx\n\t"
        "movl (%%edi), %%edi\n\t"
        "call *%%ebx\n\t"
        "popl %%ebp"
        : "+a"(eax), "+S"(mr0), "+D"(pointer)
        :
        : "ebx", "ecx", "edx", "memory", "cc");
    mrs[0] = mr0;
}

Fpage unmap_fpage(Fpage fpage, bool flush) {
    set_mr(0, fpage.raw());
    unmap(flush ? kUnmapFlush : 0);
    return Fpage::from_raw(mr(0));
}

}  // namespace l4
