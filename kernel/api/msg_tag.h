// msg_tag.h: the L4 X.2 message tag (MR0) and the labels of the kernel's own messages.
//
// Every IPC message starts with a tag in message register 0:
//
//    31                            16  15   14   13   12  11          6 5           0
//   +--------------------------------+----+----+----+----+-------------+-------------+
//   |  label (16 bits)               | E  | X  | r  | p  |  t (6 bits) |  u (6 bits) |
//   +--------------------------------+----+----+----+----+-------------+-------------+
//
//   u: untyped words, in MR1..MRu;  t: typed words (map/grant/string items), after them.
//   Flags, when sending: only p means something ("propagate": send on behalf of the
//   thread named in the UTCB's VirtualSender word); the kernel ignores the other three.
//   Flags, in the tag Ipc returns: E = the Ipc failed (the UTCB's ErrorCode says why),
//   X = it crossed processors, r = it was redirected, p = it was propagated.
//
// The kernel speaks to user threads with messages too. Their labels are small negative
// numbers shifted left by 4, taken as 16-bit values; for faults the low 3 bits then
// hold the rights of the failed access (rights.h):
//
//   label    16-bit   message                        untyped words
//   -1 << 4  0xFFF0   interrupt                      0
//   -2 << 4  0xFFE0   page fault, | rwx              2: MR1 fault address, MR2 IP
//   -3 << 4  0xFFD0   preemption                     (word count unverified)
//   -4 << 4  0xFFC0   system-call exception          (unverified: not found in Pistachio)
//   -5 << 4  0xFFB0   IA32 exception                 12: see kExceptionUntypedWords
//   -6 << 4  0xFFA0   sigma0 request (user to sigma0) 2: MR1 fpage, MR2 attributes
//   -8 << 4  0xFF80   IO fault, | rwx                2: MR1 IO fpage, MR2 IP
//
// Because the label sits in bits 31..16, MR0 of a page fault with rights 0 is
// 0xFFE00002 = (-2 << 20) | 2 as a 32-bit word; "IO faults use label -8 << 20" in
// /work/shared/X2-ABI-NOTES.md means the same label, seen in the whole word.
//
// Verified against Pistachio: field layout and flag bits from user/include/l4/message.h
// and kernel/src/api/v4/ipc.h (IPC_MR0_PROPAGATED 1 << 12 .. IPC_MR0_ERROR 1 << 15;
// clear_receive_flags clears bits 13..15); flag meanings from user/include/l4/ipc.h
// (L4_IpcFailed/Xcpu/Redirected/Propagated); labels -1, -2, -3 from ipc.h (irq_tag,
// pagefault_tag, preemption_tag), -5 and 12 words from glue/v4-x86/exception.cc and
// x32/config.h (NUM_EXC_REGS 13), -6 from user/include/l4/sigma0.h, -8 from
// glue/v4-x86/io_space.h (IPC_MR0_IO_PAGEFAULT) and io_space.cc.
#pragma once

#include <stdint.h>

#include "api/rights.h"
#include "api/word.h"

namespace api {

/// Message registers: MR0 (the tag) and MR1..MR63.
inline constexpr unsigned kNumMessageRegisters = 64;

/// The 16-bit label `n << 4` for a small negative protocol number n (-1 .. -8).
[[nodiscard]] constexpr uint16_t protocol_label(int n) {
    return static_cast<uint16_t>(static_cast<uint16_t>(n) << 4);
}

inline constexpr uint16_t kLabelInterrupt = protocol_label(-1);
inline constexpr uint16_t kLabelPageFault = protocol_label(-2);
inline constexpr uint16_t kLabelPreemption = protocol_label(-3);
inline constexpr uint16_t kLabelSyscallException = protocol_label(-4);  // unverified
inline constexpr uint16_t kLabelException = protocol_label(-5);
inline constexpr uint16_t kLabelSigma0 = protocol_label(-6);
inline constexpr uint16_t kLabelIoFault = protocol_label(-8);

/// Untyped words of an IA32 exception message, in this order: MR1 EIP, MR2 EFLAGS,
/// MR3 exception number, MR4 error code, MR5 EDI, MR6 ESI, MR7 EBP, MR8 ESP, MR9 EBX,
/// MR10 EDX, MR11 ECX, MR12 EAX (Pistachio glue/v4-x86/x32/exception.cc, mr2reg).
inline constexpr unsigned kExceptionUntypedWords = 12;

static_assert(kLabelPageFault == 0xFFE0 && kLabelSigma0 == 0xFFA0 && kLabelIoFault == 0xFF80);

/// The four flag bits of a message tag (meanings at the top of this file).
enum class MsgFlag : Word {
    Propagated = Word{1} << 12,
    Redirected = Word{1} << 13,
    CrossCpu = Word{1} << 14,
    Error = Word{1} << 15,
};

class MsgTag {
public:
    [[nodiscard]] static constexpr MsgTag from_raw(Word raw) {
        MsgTag tag;
        tag.m_raw = raw;
        return tag;
    }
    [[nodiscard]] static constexpr MsgTag nil() { return from_raw(0); }
    /// A tag with no flags. `untyped` and `typed` keep their low 6 bits.
    [[nodiscard]] static constexpr MsgTag make(uint16_t label, unsigned untyped, unsigned typed) {
        return from_raw(put_bits(label, 16, 16) | put_bits(typed, 6, 6) | put_bits(untyped, 0, 6));
    }
    /// The tag Ipc returns when it fails: only E set.
    [[nodiscard]] static constexpr MsgTag error_tag() { return from_raw(static_cast<Word>(MsgFlag::Error)); }

    [[nodiscard]] constexpr Word raw() const { return m_raw; }
    [[nodiscard]] constexpr unsigned untyped() const { return get_bits(m_raw, 0, 6); }
    [[nodiscard]] constexpr unsigned typed() const { return get_bits(m_raw, 6, 6); }
    /// MR1 .. MR(untyped + typed) carry the message.
    [[nodiscard]] constexpr unsigned words() const { return untyped() + typed(); }
    /// False if the message claims more words than MR1..MR63 can hold.
    [[nodiscard]] constexpr bool fits_in_mrs() const { return words() < kNumMessageRegisters; }

    [[nodiscard]] constexpr uint16_t label() const { return static_cast<uint16_t>(get_bits(m_raw, 16, 16)); }
    /// The label as the signed number user code compares with (-2 << 4 and so on).
    [[nodiscard]] constexpr int16_t signed_label() const { return static_cast<int16_t>(label()); }

    [[nodiscard]] constexpr bool has(MsgFlag f) const { return (m_raw & static_cast<Word>(f)) != 0; }
    [[nodiscard]] constexpr MsgTag with(MsgFlag f) const { return from_raw(m_raw | static_cast<Word>(f)); }
    [[nodiscard]] constexpr MsgTag without(MsgFlag f) const { return from_raw(m_raw & ~static_cast<Word>(f)); }
    /// The tag with all four flags cleared.
    [[nodiscard]] constexpr MsgTag without_flags() const { return from_raw(m_raw & ~put_bits(0xF, 12, 4)); }
    /// The tag with E, X and r cleared and p kept: how the kernel passes a sender's tag on.
    [[nodiscard]] constexpr MsgTag without_receive_flags() const {
        return from_raw(m_raw & ~put_bits(0xE, 12, 4));
    }

    friend constexpr bool operator==(MsgTag, MsgTag) = default;

private:
    Word m_raw = 0;
};

static_assert(sizeof(MsgTag) == 4);

/// Page faults and IO faults put the faulting access's rights in the label's low 3 bits.
[[nodiscard]] constexpr uint16_t fault_label(uint16_t base_label, Rights access) {
    return static_cast<uint16_t>(base_label | rights_bits(access));
}
/// True if `label` is `base_label` with any rights in the low 4 bits.
[[nodiscard]] constexpr bool is_fault_label(uint16_t label, uint16_t base_label) {
    return (label & 0xFFF0) == base_label;
}
[[nodiscard]] constexpr Rights fault_access(uint16_t label) { return rights_from_bits(label); }

/// The tag of the message the kernel sends a pager on a page fault.
[[nodiscard]] constexpr MsgTag page_fault_tag(Rights access) {
    return MsgTag::make(fault_label(kLabelPageFault, access), 2, 0);
}
/// The tag of the message the kernel sends a pager on an IO fault (Pistachio: rights rw).
[[nodiscard]] constexpr MsgTag io_fault_tag(Rights access) {
    return MsgTag::make(fault_label(kLabelIoFault, access), 2, 0);
}
/// The tag of the message the kernel sends an exception handler on an IA32 exception.
[[nodiscard]] constexpr MsgTag exception_tag() { return MsgTag::make(kLabelException, kExceptionUntypedWords, 0); }
/// The tag of an interrupt's message to its handler.
[[nodiscard]] constexpr MsgTag interrupt_tag() { return MsgTag::make(kLabelInterrupt, 0, 0); }

static_assert(page_fault_tag(Rights::None).raw() == 0xFFE00002);
static_assert(page_fault_tag(Rights::Write).raw() == 0xFFE20002);

}  // namespace api
