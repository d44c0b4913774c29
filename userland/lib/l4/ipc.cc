// ipc.cc: Ipc and Lipc through their KIP stubs (register convention in ipc.h).
#include "l4/ipc.h"

#include "l4/kip.h"

namespace l4 {

namespace {

// The stub address is fetched through EDI, which then becomes the UTCB pointer: all
// other registers carry arguments. EBP is the frame pointer, so it is saved by hand.
MsgTag ipc_through(Word stub_address, ThreadId to, ThreadId from_specifier, Timeouts timeouts, ThreadId* from) {
    Word* mrs = utcb_pointer();
    Word indirect[2] = {reinterpret_cast<Word>(mrs), stub_address};
    Word* pointer = indirect;
    Word mr0 = mrs[0];
    Word eax = to.raw();
    Word ecx = timeouts.raw();
    Word edx = from_specifier.raw();
    Word mr1;
    asm volatile(
        "pushl %%ebp\n\t"
        "movl 4(%%edi), %%ebx\n\t"
        "movl (%%edi), %%edi\n\t"
        "call *%%ebx\n\t"
        "movl %%ebp, %%ecx\n\t"
        "popl %%ebp"
        : "+S"(mr0), "+a"(eax), "=b"(mr1), "+c"(ecx), "+d"(edx), "+D"(pointer)
        :
        : "memory", "cc");
    mrs[0] = mr0;
    if (!from_specifier.is_nil()) {
        mrs[1] = mr1;
        mrs[2] = ecx;
        if (from != nullptr) *from = ThreadId::from_raw(eax);
    }
    return MsgTag::from_raw(mr0);
}

// The two stubs' addresses, looked up in the KIP once: the kernel's IPC fast path
// takes a few hundred instructions, and the lookup would be a good part of it
// (every thread that races to fill one stores the same value). Not inline in
// ipc.h: a lab file's object would then define them, which its fence refuses.
Word g_ipc_stub;
Word g_lipc_stub;

}  // namespace

MsgTag ipc(ThreadId to, ThreadId from_specifier, Timeouts timeouts, ThreadId* from) {
    if (g_ipc_stub == 0) g_ipc_stub = stub(kip().ipc);
    return ipc_through(g_ipc_stub, to, from_specifier, timeouts, from);
}

MsgTag lipc(ThreadId to, ThreadId from_specifier, Timeouts timeouts, ThreadId* from) {
    if (g_lipc_stub == 0) g_lipc_stub = stub(kip().lipc);
    return ipc_through(g_lipc_stub, to, from_specifier, timeouts, from);
}

MsgTag sleep(Time period) {
    set_mr(0, 0);
    return receive(my_global_id(), nullptr, period);
}

void sleep_forever() {
    for (;;) (void)sleep(Time::never());
}

}  // namespace l4
