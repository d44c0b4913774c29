// ipc_error_tests.cc: how Ipc fails: timeouts (zero and relative) and partners that do
// not exist. A failed Ipc returns a tag with the E flag, and ErrorCode holds
// (error << 1) | phase, phase 0 for send and 1 for receive (kernel/api/error.h).
#include "api/error.h"
#include "l4/ipc.h"
#include "l4/kip.h"
#include "l4/message.h"
#include "l4/system.h"
#include "test_case.h"
#include "threads.h"

namespace l4test {

namespace {

using api::IpcError;
using api::IpcErrorCode;
using api::IpcPhase;
using api::MsgTag;

void sleeper(Word) { l4::sleep_forever(); }

Word expected(IpcPhase phase, IpcError error) { return IpcErrorCode::make(phase, error).raw(); }

}  // namespace

void test_ipc_timeouts(TestContext& t) {
    LocalThread idle;  // waits, but not for us
    CHECK(t, idle.start(sleeper, 0), "start: %s", idle.error());
    (void)l4::sleep(l4::milliseconds(5));

    l4::load_words(0x10, {1});
    MsgTag tag = l4::send(idle.id(), l4::Time::zero());
    CHECK(t, l4::ipc_failed(tag), "send with zero timeout to a thread not waiting for us succeeded");
    CHECK(t, l4::error_code() == expected(IpcPhase::Send, IpcError::Timeout),
          "send: ErrorCode %x, expected %x (send timeout)", l4::error_code(),
          expected(IpcPhase::Send, IpcError::Timeout));

    tag = l4::receive(idle.id(), nullptr, l4::Time::zero());
    CHECK(t, l4::ipc_failed(tag), "receive with zero timeout from a thread not sending succeeded");
    CHECK(t, l4::error_code() == expected(IpcPhase::Receive, IpcError::Timeout),
          "receive: ErrorCode %x, expected %x (receive timeout)", l4::error_code(),
          expected(IpcPhase::Receive, IpcError::Timeout));

    constexpr uint64_t kWait = 20000;  // microseconds
    uint64_t precision = l4::kip().clock_info.schedule_precision();
    uint64_t before = l4::system_clock();
    tag = l4::receive(idle.id(), nullptr, l4::microseconds(kWait));
    uint64_t waited = l4::system_clock() - before;
    CHECK(t, l4::ipc_failed(tag) && l4::error_code() == expected(IpcPhase::Receive, IpcError::Timeout),
          "20 ms receive: ErrorCode %x, expected %x", l4::error_code(), expected(IpcPhase::Receive, IpcError::Timeout));
    CHECK(t, waited + precision >= kWait, "20 ms receive timeout expired after %u us", static_cast<unsigned>(waited));
    CHECK(t, waited < 2000000, "20 ms receive timeout took %u us", static_cast<unsigned>(waited));

    before = l4::system_clock();
    l4::load_words(0x10, {1});
    tag = l4::send(idle.id(), l4::microseconds(kWait));
    waited = l4::system_clock() - before;
    CHECK(t, l4::ipc_failed(tag) && l4::error_code() == expected(IpcPhase::Send, IpcError::Timeout),
          "20 ms send: ErrorCode %x, expected %x", l4::error_code(), expected(IpcPhase::Send, IpcError::Timeout));
    CHECK(t, waited + precision >= kWait, "20 ms send timeout expired after %u us", static_cast<unsigned>(waited));
}

void test_ipc_bad_partner(TestContext& t) {
    // A thread number the tests never use (they count up from UserBase + 16).
    ThreadId ghost = ThreadId::global(l4::kip().thread_info.user_base() + 3000, 1);
    l4::load_words(0x10, {1});
    MsgTag tag = l4::send(ghost, l4::milliseconds(1000));
    CHECK(t, l4::ipc_failed(tag), "send to a thread that does not exist succeeded");
    CHECK(t, l4::error_code() == expected(IpcPhase::Send, IpcError::NonExistingPartner),
          "send: ErrorCode %x, expected %x (non-existing partner)", l4::error_code(),
          expected(IpcPhase::Send, IpcError::NonExistingPartner));
    tag = l4::receive(ghost, nullptr, l4::milliseconds(1000));
    CHECK(t, l4::ipc_failed(tag), "receive from a thread that does not exist succeeded");
    CHECK(t, l4::error_code() == expected(IpcPhase::Receive, IpcError::NonExistingPartner),
          "receive: ErrorCode %x, expected %x (non-existing partner)", l4::error_code(),
          expected(IpcPhase::Receive, IpcError::NonExistingPartner));
    // The same number with another version is another (absent) thread too.
    ThreadId stale = ThreadId::global(main_thread().number(), main_thread().version() + 1);
    tag = l4::send(stale, l4::milliseconds(1000));
    CHECK(t, l4::ipc_failed(tag) && l4::error_code() == expected(IpcPhase::Send, IpcError::NonExistingPartner),
          "send to a stale version of the main thread: ErrorCode %x", l4::error_code());
}

}  // namespace l4test
