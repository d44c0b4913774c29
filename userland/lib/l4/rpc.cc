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

Status failure_of(MsgTag tag) {
    if (ipc_failed(tag)) return Status::IpcFailed;
    if (tag.label() != kReplyError || tag.untyped() != 1 || tag.typed() != 0) return Status::Ok;
    Word status = mr(1);
    return status >= static_cast<Word>(Status::Malformed) && status <= static_cast<Word>(Status::BadReply)
               ? static_cast<Status>(status)
               : Status::BadReply;
}

}  // namespace detail

void load_words(const Word* words, unsigned count) {
    set_mr(0, MsgTag::make(kReplyOk, count, 0).raw());
    for (unsigned i = 0; i < count; ++i) set_mr(1 + i, words[i]);
}

void load_error(Status status) { detail::load_error(status); }

Reply<unsigned> call_words(ThreadId server, uint16_t label, const Word* words, unsigned count, Word* reply,
                           unsigned max_reply) {
    if (count > kMaxWords) return Status::Malformed;
    set_mr(0, MsgTag::make(label, count, 0).raw());
    for (unsigned i = 0; i < count; ++i) set_mr(1 + i, words[i]);
    MsgTag tag = l4::call(server, Time::never(), Time::never());
    if (Status failed = detail::failure_of(tag); failed != Status::Ok) return failed;
    if (tag.label() != kReplyOk || tag.untyped() > max_reply || tag.typed() != 0) return Status::BadReply;
    for (unsigned i = 0; i < tag.untyped(); ++i) reply[i] = mr(1 + i);
    return unsigned(tag.untyped());
}

namespace {

bool invoke_raw(void (*handler)(), ThreadId from, MsgTag tag) {
    if (tag.typed() != 0 || tag.untyped() > kMaxWords) return false;
    return reinterpret_cast<Server::RawHandler>(handler)(from, tag);
}

}  // namespace

bool Server::on_raw(uint16_t label, RawHandler handler) {
    for (unsigned i = 0; i < m_count; ++i)
        if (m_entries[i].label == label) return false;
    if (m_count == kMaxProcs) return false;
    m_entries[m_count++] = {label, reinterpret_cast<void (*)()>(handler), &invoke_raw};
    return true;
}

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
