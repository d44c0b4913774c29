// utcb.h: the IA32 user thread control block (UTCB) of L4 X.2.
//
// Each thread has a UTCB: 512 bytes of memory in its address space, shared between the
// thread and the kernel, holding its message registers and thread control registers
// (TCRs). The thread finds it through %gs:0, which holds the UTCB pointer; the pointer
// is also the thread's local id (thread_id.h). It points 256 bytes into the block, at
// MR0, so message registers sit at positive offsets and TCRs at negative ones:
//
//   UTCB location (512-byte aligned)          UTCB pointer = location + 256 = local id
//   |                                         |
//   v                                         v
//   +----------+-------------+----------------+-------------------------------+
//   | -256     | -192 .. -64 | -60 .. -4      | 0 .. +252                     |
//   | unused   | BR32 .. BR0 | TCRs (below)   | MR0 .. MR63                   |
//   +----------+-------------+----------------+-------------------------------+
//
//   offset  TCR                                 offset  TCR
//   -60     MyGlobalId                          -32     XferTimeouts (time.h Timeouts)
//   -56     ProcessorNo                         -28     IntendedReceiver
//   -52     UserDefinedHandle                   -24     VirtualSender / ActualSender
//   -48     Pager                               -20     ThreadWord1
//   -44     ExceptionHandler                    -16     ThreadWord0
//   -40     PreemptFlags (byte), -39 CopFlags   -12..-4 unused (Pistachio: -4 word-size
//   -36     ErrorCode (error.h)                         mask for its 64-bit kernels)
//
// Buffer registers run downwards: BRi is at -64 - 4i, so BR0 (the acceptor) is at -64
// and BR32 at -192. (X2-ABI-NOTES.md, and Pistachio's own comment in utcb.h, write the
// range as "-196 .. -64"; the last BR word starts at -192.)
//
// User space may rewrite any of these words at any moment: the kernel reads each once,
// into a local, and checks it there.
//
// Verified against Pistachio: user/include/l4/ia32/vregs.h (TCR word indexes -15 .. -4,
// BR i at word -16 - i, MR i at word i, preemption flag bits 5..7, cop flag bit 8 + n of
// the word), kernel/src/glue/v4-x86/utcb.h (the struct, 512 bytes), the x86 tcb.h
// (set_utcb_location: local id = location + offsetof(mr[0]); get_br: br[32 - index]),
// glue/v4-x86/x32/config.h (KIP_UTCB_INFO: size 512, alignment 512, area at least 4 KiB).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "api/msg_tag.h"
#include "api/thread_id.h"
#include "api/time.h"
#include "api/word.h"

namespace api {

inline constexpr unsigned kNumBufferRegisters = 33;
inline constexpr Word kUtcbSize = 512;
inline constexpr Word kUtcbAlignment = 512;
/// UTCB pointer (%gs:0, local id) minus UTCB location.
inline constexpr Word kUtcbPointerOffset = 256;

/// Byte offsets from the UTCB pointer.
namespace utcb_offset {
inline constexpr int kMyGlobalId = -60;
inline constexpr int kProcessorNo = -56;
inline constexpr int kUserDefinedHandle = -52;
inline constexpr int kPager = -48;
inline constexpr int kExceptionHandler = -44;
inline constexpr int kPreemptFlags = -40;
inline constexpr int kCopFlags = -39;
inline constexpr int kErrorCode = -36;
inline constexpr int kXferTimeouts = -32;
inline constexpr int kIntendedReceiver = -28;
inline constexpr int kVirtualSender = -24;
inline constexpr int kThreadWord1 = -20;
inline constexpr int kThreadWord0 = -16;
[[nodiscard]] constexpr int mr(unsigned i) { return static_cast<int>(4 * i); }
[[nodiscard]] constexpr int br(unsigned i) { return -64 - static_cast<int>(4 * i); }
}  // namespace utcb_offset

/// Bits of the PreemptFlags byte (from Pistachio's vregs.h; X.2 names unverified).
inline constexpr uint8_t kPreemptFaultException = 1 << 5;  ///< deliver preemption as an exception
inline constexpr uint8_t kPreemptDelay = 1 << 6;           ///< the thread asks for delayed preemption
inline constexpr uint8_t kPreemptPending = 1 << 7;         ///< a preemption was delayed

/// The UTCB as a C++ object at the UTCB location. Plain data; fields in address order.
struct alignas(kUtcbAlignment) Utcb {
    Word unused_low[16];                       // -256 .. -196
    Word br_descending[kNumBufferRegisters];   // -192 .. -64: BR32 first; use br()
    ThreadId my_global_id;                     // -60
    Word processor_no;                         // -56
    Word user_defined_handle;                  // -52
    ThreadId pager;                            // -48
    ThreadId exception_handler;                // -44
    uint8_t preempt_flags;                     // -40
    uint8_t cop_flags;                         // -39: bit n = coprocessor n in use
    uint16_t unused_flags;                     // -38
    Word error_code;                           // -36
    Timeouts xfer_timeouts;                    // -32
    ThreadId intended_receiver;                // -28
    ThreadId virtual_sender;                   // -24: VirtualSender in, ActualSender out
    Word thread_word1;                         // -20
    Word thread_word0;                         // -16
    Word unused_high[3];                       // -12 .. -4
    Word mr[kNumMessageRegisters];             // 0 .. +252

    /// Buffer register i (0..32); a bad index is a kernel bug.
    [[nodiscard]] Word& br(unsigned i) {
        if (i >= kNumBufferRegisters) __builtin_trap();
        return br_descending[kNumBufferRegisters - 1 - i];
    }
    [[nodiscard]] const Word& br(unsigned i) const {
        if (i >= kNumBufferRegisters) __builtin_trap();
        return br_descending[kNumBufferRegisters - 1 - i];
    }
};

/// Offset of a Utcb field from the UTCB pointer, for the static_asserts below.
#define PROXIMA_UTCB_OFFSET(field) (static_cast<int>(offsetof(Utcb, field)) - static_cast<int>(kUtcbPointerOffset))
static_assert(sizeof(Utcb) == kUtcbSize);
static_assert(offsetof(Utcb, mr) == kUtcbPointerOffset);
static_assert(PROXIMA_UTCB_OFFSET(mr[63]) == utcb_offset::mr(63) && utcb_offset::mr(63) == 252);
static_assert(PROXIMA_UTCB_OFFSET(br_descending[32]) == utcb_offset::br(0) && utcb_offset::br(0) == -64);
static_assert(PROXIMA_UTCB_OFFSET(br_descending[0]) == utcb_offset::br(32) && utcb_offset::br(32) == -192);
static_assert(PROXIMA_UTCB_OFFSET(my_global_id) == utcb_offset::kMyGlobalId);
static_assert(PROXIMA_UTCB_OFFSET(processor_no) == utcb_offset::kProcessorNo);
static_assert(PROXIMA_UTCB_OFFSET(user_defined_handle) == utcb_offset::kUserDefinedHandle);
static_assert(PROXIMA_UTCB_OFFSET(pager) == utcb_offset::kPager);
static_assert(PROXIMA_UTCB_OFFSET(exception_handler) == utcb_offset::kExceptionHandler);
static_assert(PROXIMA_UTCB_OFFSET(preempt_flags) == utcb_offset::kPreemptFlags);
static_assert(PROXIMA_UTCB_OFFSET(cop_flags) == utcb_offset::kCopFlags);
static_assert(PROXIMA_UTCB_OFFSET(error_code) == utcb_offset::kErrorCode);
static_assert(PROXIMA_UTCB_OFFSET(xfer_timeouts) == utcb_offset::kXferTimeouts);
static_assert(PROXIMA_UTCB_OFFSET(intended_receiver) == utcb_offset::kIntendedReceiver);
static_assert(PROXIMA_UTCB_OFFSET(virtual_sender) == utcb_offset::kVirtualSender);
static_assert(PROXIMA_UTCB_OFFSET(thread_word1) == utcb_offset::kThreadWord1);
static_assert(PROXIMA_UTCB_OFFSET(thread_word0) == utcb_offset::kThreadWord0);
#undef PROXIMA_UTCB_OFFSET

/// The local id of the thread whose UTCB is at `location`.
[[nodiscard]] constexpr Word utcb_pointer(Word location) { return location + kUtcbPointerOffset; }
/// The UTCB location is the UTCB pointer minus 256.
[[nodiscard]] constexpr Word utcb_location(Word pointer) { return pointer - kUtcbPointerOffset; }
/// X.2 lets a thread's UTCB sit anywhere in its space's UTCB area at a multiple of
/// the KIP's UTCB alignment (512 on IA32).
[[nodiscard]] constexpr bool is_valid_utcb_location(Word location) {
    return (location & (kUtcbAlignment - 1)) == 0;
}

}  // namespace api
