// server.cc: sigma0's request loop (protocol in server.h).
#include "server.h"

#include "api/fpage.h"
#include "api/map_item.h"
#include "l4/ipc.h"
#include "l4/message.h"
#include "l4/print.h"

namespace sigma0 {

namespace {

using api::Fpage;
using api::IoFpage;
using api::MapItem;
using l4::mr;

/// A complaint sigma0 prints: the first kShown in full, then one line per kEvery with
/// the count, so that a client sending bad messages cannot flood the console.
class Complaint {
public:
    static constexpr unsigned kShown = 8, kEvery = 1000;

    /// True if this one is printed in full; else prints the count when it is due.
    bool count(const char* what) {
        ++m_count;
        if (m_count <= kShown) return true;
        if (m_count % kEvery == 0) l4::printf("sigma0: %u %s so far\n", m_count, what);
        return false;
    }

private:
    unsigned m_count = 0;
};

Complaint g_refused_faults, g_ignored_messages;

/// Loads the one-item answer; a nil fpage says "refused".
void load_answer(Fpage fpage, Word send_base) {
    l4::set_mr(1, MapItem::map(fpage, send_base).word0());
    l4::set_mr(2, fpage.raw());
    l4::set_mr(0, l4::MsgTag::make(0, 0, api::kMapItemWords).raw());
}

bool page_fault(PhysicalMemory& memory, ThreadId from, Word address, Word ip) {
    Word page = address & ~(PhysicalMemory::kPageSize - 1);
    if (!memory.try_give(page, 12, from)) {
        if (g_refused_faults.count("page faults refused"))
            l4::printf("sigma0: no page for the fault of %x at %x (ip %x): not free memory\n", from.raw(), address,
                       ip);
        return false;
    }
    load_answer(Fpage::memory(page, 12, api::Rights::Full), page);
    return true;
}

/// The node a request's attributes (MR2) name, or PhysicalMemory::kAnyNode.
unsigned requested_node(Word attributes) {
    return (attributes & kNodeAttribute) != 0 ? attributes & kNodeMask : PhysicalMemory::kAnyNode;
}

bool request(PhysicalMemory& memory, ThreadId from, Fpage wanted, Word attributes) {
    if (wanted.is_io()) {
        api::Result<IoFpage> ports = IoFpage::try_from(wanted);
        load_answer(ports.ok() ? ports.value().fpage() : Fpage::nil(), 0);
        return true;
    }
    api::Rights rights = wanted.rights() == api::Rights::None ? api::Rights::Full : wanted.rights();
    unsigned log2 = wanted.log2_size();
    Word address = 0;
    unsigned node = requested_node(attributes);
    bool any = wanted.base() == (~Word{0} & ~api::low_mask(10));
    bool given = any ? memory.try_give_any(log2, from, node, &address)
                     : (address = wanted.address(), memory.try_give(address, log2, from, node));
    load_answer(given ? Fpage::memory(address, log2, rights) : Fpage::nil(), address);
    return true;
}

/// Handles one message; true if an answer is loaded for `from`.
bool handle(PhysicalMemory& memory, ThreadId from, l4::MsgTag tag) {
    uint16_t label = tag.label();
    if (api::is_fault_label(label, api::kLabelPageFault) && tag.untyped() >= 2)
        return page_fault(memory, from, mr(1), mr(2));
    if (label == api::kLabelSigma0 && tag.untyped() >= 1)
        return request(memory, from, Fpage::from_raw(mr(1)), tag.untyped() >= 2 ? mr(2) : 0);
    if (api::is_fault_label(label, api::kLabelIoFault) && tag.untyped() >= 1) {
        api::Result<IoFpage> ports = IoFpage::try_from(Fpage::from_raw(mr(1)));
        if (!ports.ok()) return false;
        load_answer(ports.value().fpage(), 0);
        return true;
    }
    if (g_ignored_messages.count("messages ignored"))
        l4::printf("sigma0: ignored a message with label %x from %x\n", label, from.raw());
    return false;
}

}  // namespace

void serve(PhysicalMemory& memory) {
    ThreadId from = ThreadId::nil();
    l4::MsgTag tag = l4::receive(ThreadId::any(), &from);
    for (;;) {
        if (l4::ipc_failed(tag)) {
            tag = l4::receive(ThreadId::any(), &from);
            continue;
        }
        if (handle(memory, from, tag))
            tag = l4::reply_wait(from, &from);
        else
            tag = l4::receive(ThreadId::any(), &from);
    }
}

}  // namespace sigma0
