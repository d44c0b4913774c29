// fault_tests.cc: page faults and exceptions become IPC.
//
// A page fault of a thread in a created space reaches its pager (pager.h) as a message
// with label -2 << 4 | rwx, MR1 the fault address and MR2 the IP; the map item in the
// answer is installed and the thread goes on. An IA32 exception (here `ud2`) reaches the
// thread's exception handler as label -5 << 4 with 12 words (MR1 EIP, MR2 EFLAGS, MR3
// the exception number, MR4 the error code, MR5 EDI .. MR12 EAX); the handler's answer
// sets them, so an answer with EIP past the `ud2` resumes the thread there.
#include "agent.h"
#include "api/msg_tag.h"
#include "l4/ipc.h"
#include "l4/message.h"
#include "layout.h"
#include "pager.h"
#include "root_memory.h"
#include "test_case.h"
#include "test_space.h"
#include "threads.h"

namespace l4test {

namespace {

using api::MsgTag;
using l4::mr;

constexpr Word kInvalidOpcode = 6;  // #UD

}  // namespace

void test_fault_page_fault_ipc(TestContext& t) {
    Word data = get_page();
    CHECK(t, data != 0, "sigma0 gave no page");
    constexpr Word kOffset = 0x234;
    reinterpret_cast<volatile Word*>(data)[kOffset / 4] = 0xFEEDC0DE;
    reset_fault_log(data, api::Rights::Read);

    TestSpace space;
    CHECK(t, space.create(agent_main, main_thread().raw()), "create space: %s", space.error());
    Word address = test_window_slot(8) + kOffset;
    AgentAnswer read = agent_call(space.id(), agent::kRead, {address});
    CHECK(t, read.ok(), "the agent did not answer the read, ErrorCode %x", read.error);
    CHECK(t, read.words[0] == 0xFEEDC0DE, "the agent read %x after its fault was answered, expected feedc0de",
          read.words[0]);
    CHECK(t, fault_count() == 1, "the pager saw %u faults in the test window, expected 1", fault_count());
    FaultRecord fault = fault_record(0);
    CHECK(t, fault.from == space.id(), "the fault came from %x, not the agent %x", fault.from.raw(),
          space.id().raw());
    CHECK(t, api::is_fault_label(static_cast<uint16_t>(fault.label), api::kLabelPageFault),
          "fault label %x is not -2 << 4", fault.label);
    CHECK(t, (fault.label & 4) != 0 && (fault.label & 2) == 0, "a read fault came with access bits %x",
          fault.label & 7);
    CHECK(t, fault.address == address, "MR1 (fault address) %x, expected %x", fault.address, address);
    CHECK(t, in_text(fault.ip), "MR2 (IP) %x is not in l4test's code", fault.ip);

    reset_fault_log(data, api::Rights::ReadWrite);
    Word write_address = test_window_slot(9) + kOffset;
    AgentAnswer write = agent_call(space.id(), agent::kWrite, {write_address, 0x600DF00D});
    CHECK(t, write.ok(), "the agent did not answer the write, ErrorCode %x", write.error);
    CHECK(t, fault_count() == 1, "the pager saw %u faults for the write, expected 1", fault_count());
    fault = fault_record(0);
    CHECK(t, (fault.label & 2) != 0, "a write fault came with access bits %x", fault.label & 7);
    CHECK(t, fault.address == write_address, "MR1 %x, expected %x", fault.address, write_address);
    CHECK(t, reinterpret_cast<volatile Word*>(data)[kOffset / 4] == 0x600DF00D,
          "the agent's write did not reach the page the pager mapped");
}

void test_fault_exception_ipc(TestContext& t) {
    TestSpace space;
    CHECK(t, space.create(agent_main, main_thread().raw()), "create space: %s", space.error());
    l4::load_words(agent::kException, {main_thread().raw()});
    MsgTag tag = l4::call(space.id(), l4::milliseconds(5000), l4::milliseconds(5000));
    CHECK(t, !l4::ipc_failed(tag), "no exception message, ErrorCode %x", l4::error_code());
    CHECK(t, tag.label() == api::kLabelException, "label %x, expected -5 << 4 (%x)", tag.label(),
          api::kLabelException);
    CHECK(t, tag.untyped() == api::kExceptionUntypedWords, "%u words, expected 12", tag.untyped());
    Word eip = mr(1), number = mr(3), eax = mr(12), esp = mr(8);
    CHECK(t, number == kInvalidOpcode, "exception number %u, expected 6 (#UD)", number);
    CHECK(t, in_text(eip), "EIP %x is not in l4test's code", eip);
    CHECK(t, eax == 0, "EAX %x, expected 0 (set just before ud2)", eax);
    CHECK(t, esp != 0 && !in_text(esp), "ESP %x does not look like a stack", esp);
    const uint8_t* code = reinterpret_cast<const uint8_t*>(eip);
    CHECK(t, code[0] == 0x0F && code[1] == 0x0B, "EIP %x does not point at ud2", eip);

    // Resume after the ud2 with EAX changed.
    l4::set_mr(1, eip + 2);
    l4::set_mr(12, 0xE0E0E0E0);
    l4::set_mr(0, MsgTag::make(0, api::kExceptionUntypedWords, 0).raw());
    tag = l4::ipc(space.id(), space.id(), l4::Timeouts::make(l4::milliseconds(5000), l4::milliseconds(5000)), nullptr);
    CHECK(t, !l4::ipc_failed(tag), "no answer after the exception reply, ErrorCode %x", l4::error_code());
    CHECK(t, tag.label() == kAgentReply, "after the reply: label %x (another exception?)", tag.label());
    CHECK(t, mr(1) == 0xE0E0E0E0, "the agent resumed with EAX %x, expected e0e0e0e0", mr(1));
}

}  // namespace l4test
