// api_error_test.cc: X.2 error codes, IPC error words and Result (kernel/api/error.h).
#include <catch2/catch.hpp>

#include "api/error.h"
#include "api/msg_tag.h"

using api::Error;
using api::IpcError;
using api::IpcErrorCode;
using api::IpcPhase;
using api::Result;

namespace {

constexpr Result<api::Word> half(api::Word w) {
    if (w % 2 != 0) return Error::InvalidParam;
    return w / 2;
}

constexpr Result<void> check_even(api::Word w) {
    if (w % 2 != 0) return Error::InvalidParam;
    return {};
}

}  // namespace

TEST_CASE("error: the X.2 ErrorCode values", "[api][error]") {
    CHECK(static_cast<api::Word>(Error::NoPrivilege) == 1);
    CHECK(static_cast<api::Word>(Error::InvalidThread) == 2);
    CHECK(static_cast<api::Word>(Error::InvalidSpace) == 3);
    CHECK(static_cast<api::Word>(Error::InvalidScheduler) == 4);
    CHECK(static_cast<api::Word>(Error::InvalidParam) == 5);
    CHECK(static_cast<api::Word>(Error::UtcbArea) == 6);
    CHECK(static_cast<api::Word>(Error::KipArea) == 7);
    CHECK(static_cast<api::Word>(Error::OutOfMemory) == 8);
}

TEST_CASE("error: IPC error words round-trip", "[api][error]") {
    for (IpcPhase phase : {IpcPhase::Send, IpcPhase::Receive}) {
        for (int e = 1; e <= 7; ++e) {
            for (api::Word offset : {0u, 1u, 0x1000u, 0x0FFFFFFFu}) {
                IpcErrorCode code = IpcErrorCode::make(phase, static_cast<IpcError>(e), offset);
                CHECK(code.phase() == phase);
                CHECK(code.error() == static_cast<IpcError>(e));
                CHECK(code.offset() == offset);
                CHECK(IpcErrorCode::from_raw(code.raw()) == code);
            }
        }
    }
}

TEST_CASE("error: IPC error words match Pistachio's encoding", "[api][error]") {
    // IPC_RCV_ERROR(ERR_IPC_TIMEOUT) = (1 << 1) | 1
    CHECK(IpcErrorCode::make(IpcPhase::Receive, IpcError::Timeout).raw() == 3);
    // IPC_SND_ERROR(ERR_IPC_NON_EXISTING) = 2 << 1
    CHECK(IpcErrorCode::make(IpcPhase::Send, IpcError::NonExistingPartner).raw() == 4);
    CHECK(IpcErrorCode::make(IpcPhase::Send, IpcError::Cancelled).raw() == 6);
    // IPC_RCV_ERROR(ERR_IPC_ABORTED(0x20)) = ((7 + (0x20 << 3)) << 1) | 1
    CHECK(IpcErrorCode::make(IpcPhase::Receive, IpcError::Aborted, 0x20).raw() == (((7u + (0x20u << 3)) << 1) | 1));
    CHECK(IpcErrorCode::from_raw(0x9).error() == IpcError::MessageOverflow);
    CHECK(IpcErrorCode::from_raw(0x9).phase() == IpcPhase::Receive);
}

TEST_CASE("result: a value or an error", "[api][error]") {
    static_assert(half(8).ok() && half(8).value() == 4);
    static_assert(!half(7).ok() && half(7).error() == Error::InvalidParam);
    Result<api::Word> good = half(10);
    REQUIRE(good.ok());
    CHECK(good.value() == 5);
    CHECK(good.value_or(99) == 5);
    Result<api::Word> bad = half(3);
    CHECK_FALSE(bad.ok());
    CHECK(bad.error() == Error::InvalidParam);
    CHECK(bad.value_or(99) == 99);
}

TEST_CASE("result: void results and other error types", "[api][error]") {
    static_assert(check_even(2).ok());
    CHECK_FALSE(check_even(3).ok());
    CHECK(check_even(3).error() == Error::InvalidParam);

    Result<api::MsgTag, IpcErrorCode> ipc = IpcErrorCode::make(IpcPhase::Send, IpcError::Timeout);
    CHECK_FALSE(ipc.ok());
    CHECK(ipc.error().error() == IpcError::Timeout);
    Result<api::MsgTag, IpcErrorCode> tag = api::MsgTag::make(1, 2, 0);
    CHECK(tag.value().untyped() == 2);
}
