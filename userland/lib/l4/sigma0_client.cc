// sigma0_client.cc: the sigma0 RPC (protocol in sigma0_client.h).
#include "l4/sigma0_client.h"

#include "l4/ipc.h"
#include "l4/kip.h"
#include "l4/message.h"

namespace l4::sigma0 {

namespace {

Fpage request_with(Fpage fpage, api::Word attributes, Fpage window) {
    load_words(api::kLabelSigma0, {fpage.raw(), attributes});
    accept(window);
    MsgTag tag = call(sigma0_id());
    accept(Fpage::nil());
    if (ipc_failed(tag) || tag.typed() < api::kMapItemWords) return Fpage::nil();
    return Fpage::from_raw(mr(tag.untyped() + 2));
}

}  // namespace

Fpage request(Fpage fpage, Fpage window) { return request_with(fpage, 0, window); }

Fpage request_any(unsigned log2_size, Fpage window) {
    return request(Fpage::memory(~api::Word{0}, log2_size, Rights::Full), window);
}

Fpage request_on_node(unsigned node, unsigned log2_size, Fpage window) {
    return request_with(Fpage::memory(~api::Word{0}, log2_size, Rights::Full), on_node(node), window);
}

Fpage request_io(IoFpage ports) { return request(ports.fpage(), IoFpage::complete().fpage()); }

api::Word landing_address(api::Word send_base, Fpage window) {
    if (window.is_complete()) return send_base;
    api::Word mask = static_cast<api::Word>(window.size() - 1);
    return window.address() + (send_base & mask);
}

}  // namespace l4::sigma0
