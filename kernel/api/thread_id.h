// thread_id.h: L4 X.2 thread ids, global and local, on IA32 (32-bit words).
//
// A thread has two names. Its global id names it everywhere:
//
//    31                                   14 13                      0
//   +---------------------------------------+-------------------------+
//   |  thread number (18 bits)              |  version (14 bits)      |
//   +---------------------------------------+-------------------------+
//
// Its local id names it only inside its own address space, and is the address of its
// UTCB (more exactly: the word %gs:0 points at, MR0; see utcb.h):
//
//    31                                                   6 5        0
//   +------------------------------------------------------+----------+
//   |  UTCB address, bits 31..6                            |  000000  |
//   +------------------------------------------------------+----------+
//
// The low six bits tell the two apart: zero means local, anything else global. So a
// version whose low six bits are all zero cannot be used, since the id would read as
// a local one; ThreadId::try_global() rejects it.
//
// Special ids (all verified against Pistachio kernel/include/api/v4/thread.h and
// user/include/l4/types.h):
//   nil       0x00000000  "no thread"                      (local form)
//   any       0xFFFFFFFF  "any thread" in a receive        (global form)
//   anylocal  0xFFFFFFC0  "any thread of my address space" (local form: id all ones)
//
// Interrupts are threads too: interrupt n has the global id (n, version 1), and
// numbers below the KIP's system base are interrupts (thread_info, kip_info.h).
// Field widths verified: L4_GLOBAL_THREADNO_BITS_32 18, L4_GLOBAL_VERSION_BITS_32 14,
// L4_LOCAL_ID_ZERO_BITS_32 6 (Pistachio kernel/src/api/v4/config.h).
#pragma once

#include "api/error.h"
#include "api/word.h"

namespace api {

inline constexpr unsigned kThreadNumberBits = 18;
inline constexpr unsigned kVersionBits = 14;
inline constexpr unsigned kLocalIdZeroBits = 6;
inline constexpr Word kMaxThreadNumber = low_mask(kThreadNumberBits);
inline constexpr Word kMaxVersion = low_mask(kVersionBits);

class ThreadId {
public:
    /// Any 32-bit value is some thread id; whether it names a thread is the kernel's question.
    [[nodiscard]] static constexpr ThreadId from_raw(Word raw) {
        ThreadId id;
        id.m_raw = raw;
        return id;
    }
    [[nodiscard]] static constexpr ThreadId nil() { return from_raw(0); }
    [[nodiscard]] static constexpr ThreadId any() { return from_raw(~Word{0}); }
    [[nodiscard]] static constexpr ThreadId any_local() { return from_raw(~low_mask(kLocalIdZeroBits)); }

    /// The global id (number, version), or InvalidThread if either does not fit or
    /// the version's low six bits are zero.
    [[nodiscard]] static constexpr Result<ThreadId> try_global(Word number, Word version) {
        if (number > kMaxThreadNumber || version > kMaxVersion || (version & low_mask(kLocalIdZeroBits)) == 0)
            return Error::InvalidThread;
        return from_raw(put_bits(number, kVersionBits, kThreadNumberBits) | version);
    }
    /// try_global() for values the kernel itself chose: a bad pair is a kernel bug.
    [[nodiscard]] static constexpr ThreadId global(Word number, Word version) {
        return try_global(number, version).value();
    }
    /// The id X.2 gives interrupt `irq`: (irq, version 1).
    [[nodiscard]] static constexpr ThreadId interrupt(Word irq) { return global(irq, 1); }

    /// The local id of the thread whose UTCB pointer is `utcb_address`, or InvalidThread
    /// if the address is not 64-byte aligned.
    [[nodiscard]] static constexpr Result<ThreadId> try_local(Word utcb_address) {
        if ((utcb_address & low_mask(kLocalIdZeroBits)) != 0) return Error::InvalidThread;
        return from_raw(utcb_address);
    }

    [[nodiscard]] constexpr Word raw() const { return m_raw; }

    [[nodiscard]] constexpr bool is_nil() const { return m_raw == 0; }
    [[nodiscard]] constexpr bool is_any() const { return *this == any(); }
    [[nodiscard]] constexpr bool is_any_local() const { return *this == any_local(); }

    /// By the low six bits alone, as Pistachio decides: any() is global, nil() and
    /// any_local() are local.
    [[nodiscard]] constexpr bool is_global() const { return (m_raw & low_mask(kLocalIdZeroBits)) != 0; }
    [[nodiscard]] constexpr bool is_local() const { return !is_global(); }

    /// The fields of a global id (meaningless for a local one).
    [[nodiscard]] constexpr Word number() const { return get_bits(m_raw, kVersionBits, kThreadNumberBits); }
    [[nodiscard]] constexpr Word version() const { return get_bits(m_raw, 0, kVersionBits); }

    /// The UTCB pointer a local id stands for (meaningless for a global one).
    [[nodiscard]] constexpr Word utcb_address() const { return m_raw; }

    friend constexpr bool operator==(ThreadId, ThreadId) = default;

private:
    Word m_raw = 0;
};

static_assert(sizeof(ThreadId) == 4);
static_assert(ThreadId::any_local().raw() == 0xFFFFFFC0);
static_assert(ThreadId::global(0x3FFFF, 1).raw() == 0xFFFFC001);
static_assert(ThreadId::any().is_global() && ThreadId::nil().is_local() && ThreadId::any_local().is_local());

}  // namespace api
