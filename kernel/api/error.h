// error.h: the L4 X.2 error codes, and Result<T>, the one result type of the kernel.
//
// Errors reach user space through the ErrorCode word of the thread's UTCB (offset -36,
// see utcb.h). There are two vocabularies, because X.2 has two:
//
//  * Error: a system call such as ThreadControl or SpaceControl returns 0 in its result
//    register and leaves one of these codes in ErrorCode.
//  * IpcError: a failed Ipc sets the error flag in the returned message tag (msg_tag.h)
//    and leaves an IpcErrorCode word in ErrorCode:
//
//       31                                        4 3       1   0
//      +-------------------------------------------+---------+---+
//      |  offset                                   |  error  | p |
//      +-------------------------------------------+---------+---+
//      p = 0: the send phase failed, 1: the receive phase failed
//      error: an IpcError (1..7)
//      offset: for errors 4..7, how far the message transfer had got (unverified unit)
//
// Verified against Pistachio: Error values from user/include/l4/types.h (L4_ErrOk ..
// L4_ErrNoMem); IpcError values and the encoding ((err << 1) | phase, offset << 3 before
// that shift) from kernel/src/api/v4/ipc.h (ERR_IPC_*, IPC_SND_ERROR, IPC_RCV_ERROR).
//
// Result<T, E> holds either a T or an error E (Error unless said otherwise). It is
// [[nodiscard]]: an ignored error is a compile warning. Decoding user arguments returns a
// Result; panic() is only for the kernel's own invariants.
#pragma once

#include <stdint.h>

#include "api/word.h"

namespace api {

/// ErrorCode values of the non-IPC system calls (0 means no error).
enum class Error : Word {
    NoPrivilege = 1,       ///< the caller is not privileged enough (not in the root task's space)
    InvalidThread = 2,     ///< a thread id names no thread, or a thread that may not be used
    InvalidSpace = 3,      ///< an address space argument is invalid
    InvalidScheduler = 4,  ///< the scheduler thread id is invalid
    InvalidParam = 5,      ///< some other argument is invalid
    UtcbArea = 6,          ///< the UTCB area or a UTCB location is invalid
    KipArea = 7,           ///< the KIP area is invalid
    OutOfMemory = 8,       ///< the kernel ran out of memory
};

/// What went wrong in an Ipc.
enum class IpcError : uint8_t {
    Timeout = 1,             ///< the send or receive timeout expired before a partner came
    NonExistingPartner = 2,  ///< the partner thread does not exist
    Cancelled = 3,           ///< another thread cancelled the Ipc (ExchangeRegisters)
    MessageOverflow = 4,     ///< the message did not fit the receiver's buffers
    XferTimeoutInvoker = 5,  ///< a transfer timeout expired in the invoker's address space
    XferTimeoutPartner = 6,  ///< a transfer timeout expired in the partner's address space
    Aborted = 7,             ///< another thread aborted the Ipc (ExchangeRegisters)
};

/// Which half of an Ipc failed.
enum class IpcPhase : uint8_t { Send = 0, Receive = 1 };

/// The ErrorCode word after a failed Ipc (layout at the top of this file).
class IpcErrorCode {
public:
    [[nodiscard]] static constexpr IpcErrorCode make(IpcPhase phase, IpcError error, Word offset = 0) {
        return from_raw(put_bits(offset, 4, 28) | put_bits(static_cast<Word>(error), 1, 3) |
                        static_cast<Word>(phase));
    }
    [[nodiscard]] static constexpr IpcErrorCode from_raw(Word raw) {
        IpcErrorCode code;
        code.m_raw = raw;
        return code;
    }

    [[nodiscard]] constexpr Word raw() const { return m_raw; }
    [[nodiscard]] constexpr IpcPhase phase() const { return static_cast<IpcPhase>(m_raw & 1); }
    /// The error; a raw value of 0 in these bits decodes as an (invalid) IpcError{0}.
    [[nodiscard]] constexpr IpcError error() const { return static_cast<IpcError>(get_bits(m_raw, 1, 3)); }
    [[nodiscard]] constexpr Word offset() const { return get_bits(m_raw, 4, 28); }

    friend constexpr bool operator==(IpcErrorCode, IpcErrorCode) = default;

private:
    Word m_raw = 0;
};

static_assert(IpcErrorCode::make(IpcPhase::Receive, IpcError::Timeout).raw() == 0x3);
static_assert(IpcErrorCode::make(IpcPhase::Send, IpcError::MessageOverflow, 5).raw() == ((4 + (5 << 3)) << 1));

/// Either a T (success) or an E (failure). T and E must be plain values: trivially copyable.
///
///     Result<Fpage> try_thing() { if (bad) return Error::InvalidParam; return fpage; }
///     auto r = try_thing();
///     if (!r.ok()) return r.error();
///     use(r.value());
///
/// value() on a failure (or error() on a success) is a kernel bug: it executes a trap
/// instruction, and in a constant expression it does not compile.
template <typename T, typename E = Error>
class [[nodiscard]] Result {
    static_assert(__is_trivially_copyable(T) && __is_trivially_copyable(E));
    static_assert(!__is_same(T, E), "a value and an error of one type could not be told apart");

public:
    constexpr Result(T value) : m_value(value), m_ok(true) {}
    constexpr Result(E error) : m_error(error), m_ok(false) {}

    [[nodiscard]] constexpr bool ok() const { return m_ok; }
    [[nodiscard]] constexpr const T& value() const {
        if (!m_ok) __builtin_trap();
        return m_value;
    }
    [[nodiscard]] constexpr E error() const {
        if (m_ok) __builtin_trap();
        return m_error;
    }
    [[nodiscard]] constexpr T value_or(T fallback) const { return m_ok ? m_value : fallback; }

private:
    union {
        T m_value;
        E m_error;
    };
    bool m_ok;
};

/// A result that carries no value: success, or an error.
template <typename E>
class [[nodiscard]] Result<void, E> {
    static_assert(__is_trivially_copyable(E));

public:
    constexpr Result() : m_ok(true) {}
    constexpr Result(E error) : m_error(error), m_ok(false) {}

    [[nodiscard]] constexpr bool ok() const { return m_ok; }
    [[nodiscard]] constexpr E error() const {
        if (m_ok) __builtin_trap();
        return m_error;
    }

private:
    E m_error{};
    bool m_ok;
};

}  // namespace api
