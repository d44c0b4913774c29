// agent.h: the program that runs in the spaces the tests create, and how the main
// thread drives it.
//
// An agent waits for commands from its controller (the root task's main thread), does
// what it is told in its own address space, and answers. A command is a message whose
// label names it; the answer's label is kAgentReply and its words are listed here:
//
//   command       words in                       words out
//   kPing         x                              x + 1
//   kRead         address                        the word there
//   kWrite        address, value                 -
//   kReceiveMap   source, window fpage           - ; then the agent receives one message
//                                                from `source`, accepting mappings into
//                                                `window` (kLastReceived tells what came)
//   kLastReceived -                              tag, MR1, MR2, ErrorCode of that receive
//   kMapTo        dest, fpage, send base, grant  tag and ErrorCode of the send
//   kUnmap        fpage, flush                   the fpage Unmap returned
//   kPrivileged   -                              result and ErrorCode of ThreadControl,
//                                                SpaceControl, ProcessorControl,
//                                                MemoryControl (8 words)
//   kException    handler                        EAX after `ud2` (the handler may set it)
//   kFuzz         calls, seed                    calls made (fuzzer.h)
//   kFuzzSigma0   sigma0, messages, seed         Sigma0FuzzCounts' eight words
//                                                (sigma0_fuzzer.h)
#pragma once

#include "api/msg_tag.h"
#include "api/thread_id.h"
#include "api/word.h"

namespace l4test {

using api::ThreadId;
using api::Word;

namespace agent {
inline constexpr uint16_t kPing = 1;
inline constexpr uint16_t kRead = 2;
inline constexpr uint16_t kWrite = 3;
inline constexpr uint16_t kReceiveMap = 4;
inline constexpr uint16_t kLastReceived = 5;
inline constexpr uint16_t kMapTo = 6;
inline constexpr uint16_t kUnmap = 7;
inline constexpr uint16_t kPrivileged = 8;
inline constexpr uint16_t kException = 9;
inline constexpr uint16_t kFuzz = 10;
inline constexpr uint16_t kFuzzSigma0 = 11;
}  // namespace agent

inline constexpr uint16_t kAgentReply = 0x7E50;

/// The agent's thread function; `controller` is the raw global id it obeys.
void agent_main(Word controller);

/// The answer to one command: the tag (error flag set if the IPC failed) and words.
struct AgentAnswer {
    api::MsgTag tag;
    Word error;  // ErrorCode if the IPC failed
    Word words[8];
    [[nodiscard]] bool ok() const;
};

/// Sends a command to `agent` and waits for its answer (at most `timeout_ms`).
AgentAnswer agent_call(ThreadId agent, uint16_t command, const Word* words, unsigned count,
                       Word timeout_ms = 5000);

template <unsigned N>
AgentAnswer agent_call(ThreadId agent, uint16_t command, const Word (&words)[N], Word timeout_ms = 5000) {
    return agent_call(agent, command, words, N, timeout_ms);
}

}  // namespace l4test
