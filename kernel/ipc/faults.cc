// faults.cc: page-fault, IO-fault and exception IPC (see faults.h).
//
// The fault message is built in the thread's kernel message buffer (m_kmsg)
// rather than in its UTCB, so the message registers the thread was using are
// left as they were; the reply comes back into the same buffer, and its map
// item lands in the thread's space with the whole space as receive window.
#include "ipc/faults.h"

#include "api/fpage.h"
#include "api/msg_tag.h"
#include "api/utcb.h"
#include "ipc/ipc.h"
#include "lib/console.h"
#include "thread/scheduler.h"
#include "thread/tcb.h"

namespace ipc {

using thread::Tcb;

namespace {

constexpr unsigned kFaultWords = 2;

}  // namespace

void halt_current(const char* what, uintptr_t ip) {
    Tcb* self = thread::current();
    kprintf("thread %x (cpu %u): %s at ip %08x: stopped\n", self->m_global_id.raw(), self->cpu(), what,
            unsigned(ip));
    self->m_state = thread::State::Halted;
    thread::request_reschedule();
}

bool page_fault(uintptr_t address, uintptr_t ip, api::Rights access) {
    Tcb* self = thread::current();
    api::ThreadId pager = self->m_utcb->pager;
    if (pager.is_nil()) {
        kprintf("thread %x: page fault at %08x (%s) with no pager\n", self->m_global_id.raw(), unsigned(address),
                api::any(access & api::Rights::Write) ? "write" : "read");
        halt_current("unhandled page fault", ip);
        return false;
    }
    self->m_kmsg[1] = address;
    self->m_kmsg[2] = ip;
    api::MsgTag tag = api::MsgTag::make(uint16_t(api::kLabelPageFault | api::rights_bits(access)), kFaultWords, 0);
    if (kernel_call(pager, tag)) return true;
    kprintf("thread %x: page fault at %08x: IPC to pager %x failed\n", self->m_global_id.raw(), unsigned(address),
            pager.raw());
    halt_current("unhandled page fault", ip);
    return false;
}

bool io_fault(uint32_t port, unsigned log2_size, uintptr_t ip) {
    Tcb* self = thread::current();
    api::ThreadId pager = self->m_utcb->pager;
    if (pager.is_nil()) {
        halt_current("IO fault with no pager", ip);
        return false;
    }
    self->m_kmsg[1] = api::IoFpage::make(uint16_t(port), log2_size).raw();
    self->m_kmsg[2] = ip;
    api::MsgTag tag = api::MsgTag::make(api::kLabelIoFault, kFaultWords, 0);
    if (kernel_call(pager, tag)) return true;
    halt_current("unhandled IO fault", ip);
    return false;
}

bool exception(api::Word words[12], bool* changed) {
    Tcb* self = thread::current();
    *changed = false;
    api::ThreadId handler = self->m_utcb->exception_handler;
    if (handler.is_nil()) return false;
    for (unsigned i = 0; i < api::kExceptionUntypedWords; ++i) self->m_kmsg[1 + i] = words[i];
    api::MsgTag tag = api::MsgTag::make(api::kLabelException, api::kExceptionUntypedWords, 0);
    if (!kernel_call(handler, tag)) return false;
    // A reply with all twelve words sets the registers; a shorter one resumes as it was.
    if (self->m_received_tag.untyped() >= api::kExceptionUntypedWords) {
        for (unsigned i = 0; i < api::kExceptionUntypedWords; ++i) words[i] = self->m_kmsg[1 + i];
        *changed = true;
    }
    return true;
}

}  // namespace ipc
