// map_support.h: moving a page between the root task and agents, for the map tests.
//
// Every transfer follows the same three steps: the receiver is told to accept one
// message from the sender into a 4 KiB window (agent kReceiveMap), the sender sends the
// map or grant item, and the receiver is asked what arrived (kLastReceived), which must
// be a message with one typed item.
#pragma once

#include "api/fpage.h"
#include "api/rights.h"
#include "api/thread_id.h"
#include "api/word.h"

namespace l4test {

using api::ThreadId;
using api::Word;

/// Maps the root task's page `root_page` with `rights` to `agent` at `address`; on
/// failure returns false and writes why into `why`.
[[nodiscard]] bool root_maps_to(ThreadId agent, Word root_page, api::Rights rights, Word address, char* why);
/// Agent `from` maps (or grants) its page at `address` to agent `to`, at the same address.
[[nodiscard]] bool agent_maps_to(ThreadId from, ThreadId to, Word address, api::Rights rights, bool grant, char* why);
/// The word an agent reads at `address` (kRead); ~0 if the agent did not answer.
[[nodiscard]] Word agent_reads(ThreadId agent, Word address);
/// The fpage an agent's Unmap returned.
[[nodiscard]] api::Fpage agent_unmaps(ThreadId agent, api::Fpage fpage, bool flush);

inline constexpr unsigned kWhySize = 120;

}  // namespace l4test
