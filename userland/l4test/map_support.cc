// map_support.cc: page transfers for the map tests (see map_support.h).
#include "map_support.h"

#include "agent.h"
#include "api/fpage.h"
#include "api/map_item.h"
#include "l4/ipc.h"
#include "l4/message.h"
#include "l4/print.h"
#include "threads.h"

namespace l4test {

namespace {

using api::Fpage;

bool check_arrival(ThreadId receiver, char* why) {
    AgentAnswer last = agent_call(receiver, agent::kLastReceived, nullptr, 0);
    if (!last.ok()) {
        l4::snprintf(why, kWhySize, "agent %x does not answer, ErrorCode %x", receiver.raw(), last.error);
        return false;
    }
    l4::MsgTag tag = l4::MsgTag::from_raw(last.words[0]);
    if (l4::ipc_failed(tag) || tag.typed() != api::kMapItemWords) {
        l4::snprintf(why, kWhySize, "agent %x received tag %x (ErrorCode %x), not one item", receiver.raw(),
                     tag.raw(), last.words[3]);
        return false;
    }
    return true;
}

bool prepare_receiver(ThreadId receiver, ThreadId sender, Word address, char* why) {
    AgentAnswer ready = agent_call(receiver, agent::kReceiveMap,
                                   {sender.raw(), Fpage::memory(address, 12, api::Rights::None).raw()});
    if (!ready.ok()) l4::snprintf(why, kWhySize, "agent %x does not answer, ErrorCode %x", receiver.raw(), ready.error);
    return ready.ok();
}

}  // namespace

bool root_maps_to(ThreadId agent, Word root_page, api::Rights rights, Word address, char* why) {
    if (!prepare_receiver(agent, main_thread(), address, why)) return false;
    l4::load_with_item(0, 0, api::MapItem::map(Fpage::memory(root_page, 12, rights), address));
    l4::MsgTag sent = l4::send(agent, l4::milliseconds(5000));
    if (l4::ipc_failed(sent)) {
        l4::snprintf(why, kWhySize, "sending the map item failed, ErrorCode %x", l4::error_code());
        return false;
    }
    return check_arrival(agent, why);
}

bool agent_maps_to(ThreadId from, ThreadId to, Word address, api::Rights rights, bool grant, char* why) {
    if (!prepare_receiver(to, from, address, why)) return false;
    AgentAnswer sent =
        agent_call(from, agent::kMapTo, {to.raw(), Fpage::memory(address, 12, rights).raw(), address, grant ? 1u : 0u});
    if (!sent.ok() || l4::ipc_failed(l4::MsgTag::from_raw(sent.words[0]))) {
        l4::snprintf(why, kWhySize, "agent %x could not send its item (ErrorCode %x)", from.raw(),
                     sent.ok() ? sent.words[1] : sent.error);
        return false;
    }
    return check_arrival(to, why);
}

Word agent_reads(ThreadId agent, Word address) {
    AgentAnswer read = agent_call(agent, agent::kRead, {address});
    return read.ok() ? read.words[0] : ~Word{0};
}

api::Fpage agent_unmaps(ThreadId agent, api::Fpage fpage, bool flush) {
    AgentAnswer answer = agent_call(agent, agent::kUnmap, {fpage.raw(), flush ? 1u : 0u});
    return answer.ok() ? api::Fpage::from_raw(answer.words[0]) : api::Fpage::nil();
}

}  // namespace l4test
