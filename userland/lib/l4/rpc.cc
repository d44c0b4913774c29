// rpc.cc: the server side of the RPC layer (rpc.h).
#include "l4/rpc.h"

namespace l4::rpc {

const char* status_name(Status status) {
    switch (status) {
    case Status::Ok: return "ok";
    case Status::Malformed: return "malformed request";
    case Status::UnknownProc: return "unknown procedure";
    case Status::IpcFailed: return "IPC failed";
    case Status::Refused: return "refused";
    case Status::BadReply: return "malformed reply";
    }
    return "unknown status";
}

namespace detail {

void load_error(Status status) {
    set_mr(0, MsgTag::make(kReplyError, 1, 0).raw());
    set_mr(1, static_cast<Word>(status));
}

}  // namespace detail

bool Server::handle(ThreadId from, MsgTag tag) {
    uint16_t label = tag.label();
    if (label >= 0xFF80) return false;  // an L4 protocol message (page fault, ...): not ours
    for (unsigned i = 0; i < m_count; ++i) {
        if (m_entries[i].label != label) continue;
        if (!m_entries[i].invoke(m_entries[i].handler, from, tag)) detail::load_error(Status::Malformed);
        return true;
    }
    detail::load_error(Status::UnknownProc);
    return true;
}

void Server::serve() {
    ThreadId from = ThreadId::nil();
    MsgTag tag = receive(ThreadId::any(), &from);
    for (;;) {
        if (!ipc_failed(tag) && handle(from, tag)) tag = reply_wait(from, &from);
        else tag = receive(ThreadId::any(), &from);
    }
}

void Server::serve_with_faults(PageFaultHandler page_fault) {
    ThreadId from = ThreadId::nil();
    MsgTag tag = receive(ThreadId::any(), &from);
    for (;;) {
        bool answer = false;
        if (!ipc_failed(tag)) {
            if (api::is_fault_label(tag.label(), api::kLabelPageFault) && tag.untyped() == 2 && tag.typed() == 0)
                answer = page_fault(from, tag.label(), mr(1), mr(2));
            else
                answer = handle(from, tag);
        }
        tag = answer ? reply_wait(from, &from) : receive(ThreadId::any(), &from);
    }
}

}  // namespace l4::rpc
