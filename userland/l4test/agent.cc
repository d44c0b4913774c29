// agent.cc: the agent's command loop and the controller's side (see agent.h).
#include "agent.h"

#include "api/fpage.h"
#include "api/map_item.h"
#include "fuzzer.h"
#include "l4/ipc.h"
#include "l4/message.h"
#include "l4/space.h"
#include "l4/system.h"
#include "l4/thread.h"
#include "sigma0_fuzzer.h"

namespace l4test {

namespace {

using api::Fpage;
using api::MapItem;
using l4::mr;

struct Received {
    Word tag, mr1, mr2, error;
};

/// Runs a command whose words are in MR1..; returns the number of answer words.
unsigned run_command(uint16_t command, const Word in[4], Word out[8], const Received& last) {
    switch (command) {
    case agent::kPing:
        out[0] = in[0] + 1;
        return 1;
    case agent::kRead:
        out[0] = *reinterpret_cast<volatile Word*>(in[0]);
        return 1;
    case agent::kWrite:
        *reinterpret_cast<volatile Word*>(in[0]) = in[1];
        return 0;
    case agent::kLastReceived:
        out[0] = last.tag;
        out[1] = last.mr1;
        out[2] = last.mr2;
        out[3] = last.error;
        return 4;
    case agent::kMapTo: {
        Fpage fpage = Fpage::from_raw(in[1]);
        MapItem item = in[3] != 0 ? MapItem::grant(fpage, in[2]) : MapItem::map(fpage, in[2]);
        l4::load_with_item(0, 0, item);
        l4::MsgTag tag = l4::send(ThreadId::from_raw(in[0]), l4::milliseconds(5000));
        out[0] = tag.raw();
        out[1] = l4::error_code();
        return 2;
    }
    case agent::kUnmap:
        out[0] = l4::unmap_fpage(Fpage::from_raw(in[0]), in[1] != 0).raw();
        return 1;
    case agent::kPrivileged: {
        ThreadId me = l4::my_global_id();
        ThreadId stranger = ThreadId::global(api::kMaxThreadNumber - 7, 1);
        out[0] = l4::thread_control(stranger, me, me, ThreadId::nil(), l4::kNoChange);
        out[1] = l4::error_code();
        out[2] = l4::space_control(me, 0, Fpage::nil(), Fpage::nil(), ThreadId::any());
        out[3] = l4::error_code();
        out[4] = l4::processor_control(0, l4::kNoChange, l4::kNoChange, l4::kNoChange);
        out[5] = l4::error_code();
        const Word attributes[4] = {0, 0, 0, 0};
        l4::set_mr(0, Fpage::nil().raw());
        out[6] = l4::memory_control(0, attributes);
        out[7] = l4::error_code();
        return 8;
    }
    case agent::kException: {
        l4::set_exception_handler(ThreadId::from_raw(in[0]));
        Word eax;
        asm volatile("xorl %%eax, %%eax\n\tud2" : "=a"(eax) : : "memory");
        out[0] = eax;
        return 1;
    }
    case agent::kFuzz:
        out[0] = fuzz_system_calls(in[0], in[1]);
        return 1;
    case agent::kFuzzSigma0: {
        Sigma0FuzzCounts c = fuzz_sigma0(ThreadId::from_raw(in[0]), in[1], in[2]);
        const Word words[] = {c.sent, c.refused, c.ports, c.memory, c.unaccepted, c.missing, c.stray, c.failed};
        for (unsigned i = 0; i < 8; ++i) out[i] = words[i];
        return 8;
    }
    default:
        return 0;
    }
}

}  // namespace

bool AgentAnswer::ok() const { return !l4::ipc_failed(tag) && tag.label() == kAgentReply; }

void agent_main(Word controller_raw) {
    ThreadId controller = ThreadId::from_raw(controller_raw);
    Received last{};
    l4::MsgTag tag = l4::receive(controller);
    for (;;) {
        if (l4::ipc_failed(tag)) {
            tag = l4::receive(controller);
            continue;
        }
        uint16_t command = tag.label();
        Word in[4] = {mr(1), mr(2), mr(3), mr(4)};
        if (command == agent::kReceiveMap) {
            // Answer, then take one message from `source` into the window.
            l4::accept(Fpage::from_raw(in[1]));
            l4::load_empty(kAgentReply);
            l4::MsgTag got = l4::ipc(controller, ThreadId::from_raw(in[0]),
                                     l4::Timeouts::make(l4::Time::never(), l4::milliseconds(5000)), nullptr);
            last = {got.raw(), mr(1), mr(2), l4::error_code()};
            l4::accept(Fpage::nil());
            tag = l4::receive(controller);
            continue;
        }
        Word out[8];
        unsigned count = run_command(command, in, out, last);
        l4::load_message(kAgentReply, out, count);
        tag = l4::ipc(controller, controller, l4::Timeouts::never(), nullptr);
    }
}

AgentAnswer agent_call(ThreadId agent, uint16_t command, const Word* words, unsigned count, Word timeout_ms) {
    l4::load_message(command, words, count);
    AgentAnswer answer{};
    answer.tag = l4::call(agent, l4::milliseconds(timeout_ms), l4::milliseconds(timeout_ms));
    answer.error = l4::ipc_failed(answer.tag) ? l4::error_code() : 0;
    for (unsigned i = 0; i < 8; ++i) answer.words[i] = mr(1 + i);
    return answer;
}

}  // namespace l4test
