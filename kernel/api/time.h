// time.h: L4 X.2 times (16-bit periods and points) and the Ipc timeouts word.
//
// A time is a 16-bit floating-point number of microseconds:
//
//   time period (bit 15 = 0)                 time point (bit 15 = 1)
//    15  14        10 9               0       15  14      11  10  9               0
//   +---+------------+-----------------+     +---+----------+---+-----------------+
//   | 0 |  e (5)     |  m (10)         |     | 1 |  e (4)   | c |  m (10)         |
//   +---+------------+-----------------+     +---+----------+---+-----------------+
//
//   period = m * 2^e microseconds, from 0 up to 1023 * 2^31 (about 25 days)
//   never  = 0x0000 (e = 0, m = 0): wait forever
//   zero   = 0x0400 (e = 1, m = 0): do not wait at all (any period with m = 0 and e > 0
//            is zero long; 0x0400 is the one L4_ZeroTime and Pistachio's time_t::zero use)
//   point: an absolute time on the clock, m and c being clock bits; Pistachio does not
//          implement time points (its set_timeout() stops in UNIMPLEMENTED()), and
//          Proxima rejects them too: try_microseconds() returns InvalidParam.
//
// Ipc takes both its timeouts in one word (ECX); the UTCB's XferTimeouts word has the
// same layout for the two transfer timeouts:
//
//    31                            16 15                             0
//   +--------------------------------+--------------------------------+
//   |  send timeout                  |  receive timeout               |
//   +--------------------------------+--------------------------------+
//
// Verified against Pistachio user/include/l4/types.h (L4_Time_t period m:10 e:5 a:1;
// point m:10 c:1 e:4 a:1; L4_Never raw 0; L4_ZeroTime e = 1), kernel/include/api/v4/
// types.h (time_t, get_microseconds() = 2^e * m; timeout_t: rcv_timeout low half,
// snd_timeout high half) and user/include/l4/ipc.h (L4_Timeouts = snd << 16 + rcv).
#pragma once

#include <stdint.h>

#include "api/error.h"
#include "api/word.h"

namespace api {

/// The microseconds value that stands for "never": decoding saturates to it.
inline constexpr uint64_t kForever = ~uint64_t{0};

class Time {
public:
    static constexpr unsigned kMaxMantissa = 1023;
    static constexpr unsigned kMaxPeriodExponent = 31;
    static constexpr unsigned kMaxPointExponent = 15;

    [[nodiscard]] static constexpr Time from_raw(uint16_t raw) {
        Time t;
        t.m_raw = raw;
        return t;
    }
    [[nodiscard]] static constexpr Time never() { return from_raw(0); }
    [[nodiscard]] static constexpr Time zero() { return period(0, 1); }
    /// mantissa * 2^exponent microseconds; out-of-range fields are a kernel bug.
    [[nodiscard]] static constexpr Time period(unsigned mantissa, unsigned exponent) {
        if (mantissa > kMaxMantissa || exponent > kMaxPeriodExponent) __builtin_trap();
        return from_raw(static_cast<uint16_t>(put_bits(exponent, 10, 5) | mantissa));
    }
    [[nodiscard]] static constexpr Time point(unsigned mantissa, unsigned carry, unsigned exponent) {
        if (mantissa > kMaxMantissa || carry > 1 || exponent > kMaxPointExponent) __builtin_trap();
        return from_raw(static_cast<uint16_t>(0x8000 | put_bits(exponent, 11, 4) | put_bits(carry, 10, 1) | mantissa));
    }
    /// The period closest to `microseconds` from below (like Pistachio's L4_TimePeriod,
    /// which truncates the mantissa), saturating at the longest period. 0 gives zero(),
    /// not never() (L4_TimePeriod(0) returns never).
    [[nodiscard]] static constexpr Time from_microseconds(uint64_t microseconds) {
        if (microseconds == 0) return zero();
        unsigned exponent = 0;
        while (microseconds > kMaxMantissa) {
            if (exponent == kMaxPeriodExponent) return period(kMaxMantissa, kMaxPeriodExponent);
            microseconds >>= 1;
            ++exponent;
        }
        return period(static_cast<unsigned>(microseconds), exponent);
    }

    [[nodiscard]] constexpr uint16_t raw() const { return m_raw; }
    [[nodiscard]] constexpr bool is_point() const { return (m_raw & 0x8000) != 0; }
    [[nodiscard]] constexpr bool is_period() const { return !is_point(); }
    [[nodiscard]] constexpr bool is_never() const { return m_raw == 0; }
    /// A period of length zero (0x0400, or any other m = 0, e > 0).
    [[nodiscard]] constexpr bool is_zero() const { return is_period() && mantissa() == 0 && !is_never(); }

    [[nodiscard]] constexpr unsigned mantissa() const { return get_bits(m_raw, 0, 10); }
    [[nodiscard]] constexpr unsigned exponent() const {
        return is_point() ? get_bits(m_raw, 11, 4) : get_bits(m_raw, 10, 5);
    }
    /// A point's c bit (0 for periods).
    [[nodiscard]] constexpr unsigned point_carry() const { return is_point() ? get_bits(m_raw, 10, 1) : 0; }

    /// A period's length in microseconds; kForever for never; InvalidParam for points.
    [[nodiscard]] constexpr Result<uint64_t> try_microseconds() const {
        if (is_point()) return Error::InvalidParam;
        if (is_never()) return kForever;
        return uint64_t{mantissa()} << exponent();
    }
    /// When a timeout given at clock time `now` (microseconds) expires: now plus the
    /// period, saturating at kForever; kForever for never; InvalidParam for points.
    [[nodiscard]] constexpr Result<uint64_t> try_deadline(uint64_t now) const {
        Result<uint64_t> length = try_microseconds();
        if (!length.ok() || length.value() == kForever) return length;
        return length.value() > kForever - now ? kForever : now + length.value();
    }

    friend constexpr bool operator==(Time, Time) = default;

private:
    uint16_t m_raw = 0;
};

/// The two timeouts of an Ipc, or the two transfer timeouts in the UTCB.
class Timeouts {
public:
    [[nodiscard]] static constexpr Timeouts make(Time send, Time receive) {
        return from_raw(put_bits(send.raw(), 16, 16) | receive.raw());
    }
    [[nodiscard]] static constexpr Timeouts from_raw(Word raw) {
        Timeouts t;
        t.m_raw = raw;
        return t;
    }
    [[nodiscard]] static constexpr Timeouts never() { return from_raw(0); }

    [[nodiscard]] constexpr Word raw() const { return m_raw; }
    [[nodiscard]] constexpr Time send() const { return Time::from_raw(static_cast<uint16_t>(m_raw >> 16)); }
    [[nodiscard]] constexpr Time receive() const { return Time::from_raw(static_cast<uint16_t>(m_raw)); }

    friend constexpr bool operator==(Timeouts, Timeouts) = default;

private:
    Word m_raw = 0;
};

static_assert(sizeof(Time) == 2 && sizeof(Timeouts) == 4);
static_assert(Time::zero().raw() == 0x0400);
static_assert(Time::from_microseconds(1000).raw() == 1000);
static_assert(Timeouts::make(Time::zero(), Time::never()).raw() == 0x04000000);

}  // namespace api
