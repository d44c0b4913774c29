// api_time_test.cc: X.2 time periods, points and the Ipc timeouts word (kernel/api/time.h).
#include <catch2/catch.hpp>

#include "api/time.h"

using api::Time;
using api::Timeouts;

TEST_CASE("time: never, zero and known periods", "[api][time]") {
    CHECK(Time::never().raw() == 0x0000);
    CHECK(Time::zero().raw() == 0x0400);
    CHECK(Time::never().is_never());
    CHECK_FALSE(Time::never().is_zero());
    CHECK(Time::zero().is_zero());
    CHECK(Time::zero().try_microseconds().value() == 0);
    CHECK(Time::never().try_microseconds().value() == api::kForever);
    // m = 1000, e = 0: 1 ms.  m = 1, e = 20: 2^20 us.
    CHECK(Time::from_raw(1000).try_microseconds().value() == 1000);
    CHECK(Time::period(1, 20).raw() == (20 << 10 | 1));
    CHECK(Time::period(1, 20).try_microseconds().value() == uint64_t{1} << 20);
    CHECK(Time::period(1023, 31).raw() == 0x7FFF);
    CHECK(Time::from_raw(0x7FFF).try_microseconds().value() == uint64_t{1023} << 31);
    // Any m = 0 with e > 0 is zero long.
    CHECK(Time::period(0, 7).is_zero());
}

TEST_CASE("time: every period decodes, and re-encodes to the same length", "[api][time]") {
    for (unsigned raw = 1; raw < 0x8000; ++raw) {
        Time t = Time::from_raw(static_cast<uint16_t>(raw));
        REQUIRE(t.is_period());
        uint64_t us = t.try_microseconds().value();
        CHECK(us == uint64_t{t.mantissa()} << t.exponent());
        Time again = Time::from_microseconds(us);
        REQUIRE(again.try_microseconds().value() == us);
        // Encoding is canonical: encoding the result again changes nothing.
        CHECK(Time::from_microseconds(again.try_microseconds().value()) == again);
    }
}

TEST_CASE("time: encoding rounds down, by less than one part in 512", "[api][time]") {
    // The mantissa of a period longer than 1023 us has its top bit set: at least 512.
    for (uint64_t us : {1ull, 999ull, 1023ull, 1024ull, 1025ull, 2051ull, 4095ull, 1000000ull, 123456789ull,
                        (1ull << 40) + 12345ull}) {
        uint64_t got = Time::from_microseconds(us).try_microseconds().value();
        CHECK(got <= us);
        CHECK(us - got < (us >> 9) + 1);
    }
    CHECK(Time::from_microseconds(1023).raw() == 1023);
    CHECK(Time::from_microseconds(1024).raw() == (1 << 10 | 512));
}

TEST_CASE("time: encoding saturates and treats 0 as zero, not never", "[api][time]") {
    CHECK(Time::from_microseconds(0) == Time::zero());
    CHECK(Time::from_microseconds(uint64_t{1023} << 31) == Time::period(1023, 31));
    CHECK(Time::from_microseconds((uint64_t{1023} << 31) + (uint64_t{1} << 31)) == Time::period(1023, 31));
    CHECK(Time::from_microseconds(~uint64_t{0}) == Time::period(1023, 31));
}

TEST_CASE("time: deadlines saturate", "[api][time]") {
    CHECK(Time::from_raw(1000).try_deadline(5000).value() == 6000);
    CHECK(Time::zero().try_deadline(5000).value() == 5000);
    CHECK(Time::never().try_deadline(5000).value() == api::kForever);
    CHECK(Time::period(1023, 31).try_deadline(api::kForever - 10).value() == api::kForever);
    CHECK(Time::from_raw(5).try_deadline(api::kForever - 5).value() == api::kForever);
    CHECK(Time::from_raw(5).try_deadline(api::kForever - 6).value() == api::kForever - 1);
}

TEST_CASE("time: points decode their fields and are refused as timeouts", "[api][time]") {
    Time p = Time::point(0x155, 1, 9);
    CHECK(p.raw() == (0x8000 | 9 << 11 | 1 << 10 | 0x155));
    CHECK(p.is_point());
    CHECK_FALSE(p.is_period());
    CHECK_FALSE(p.is_never());
    CHECK_FALSE(p.is_zero());
    CHECK(p.mantissa() == 0x155);
    CHECK(p.point_carry() == 1);
    CHECK(p.exponent() == 9);
    CHECK(p.try_microseconds().error() == api::Error::InvalidParam);
    CHECK(p.try_deadline(0).error() == api::Error::InvalidParam);
    CHECK(Time::from_raw(0x8000).is_point());
}

TEST_CASE("timeouts: send in the high half, receive in the low half", "[api][time]") {
    // L4_Timeouts(L4_ZeroTime, L4_Never), what L4_ReplyWait uses.
    CHECK(Timeouts::make(Time::zero(), Time::never()).raw() == 0x04000000);
    CHECK(Timeouts::make(Time::never(), Time::zero()).raw() == 0x00000400);
    CHECK(Timeouts::never().raw() == 0);
    Timeouts t = Timeouts::make(Time::from_raw(0x1234), Time::point(1, 0, 2));
    CHECK(t.send() == Time::from_raw(0x1234));
    CHECK(t.receive() == Time::point(1, 0, 2));
    CHECK(Timeouts::from_raw(t.raw()) == t);
}
