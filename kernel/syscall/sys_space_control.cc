// sys_space_control.cc: the SpaceControl system call (privileged).
//
//   SpaceControl(SpaceSpecifier, control, KipArea, UtcbArea, Redirector)
// sets the KIP area and the UTCB area of the space of thread SpaceSpecifier,
// as long as none of its threads is active (X.2). The KIP area is one page;
// the UTCB area at least one page (the KIP's UtcbInfo); both inside user
// space and not overlapping. A nil area leaves that area as it is.
// control (the IA32 ABI): bit 31 set asks to change the space's small-space
// setting to bits 7..0 (0: a large space). Every space here is large (no small
// spaces: no segment-limited address spaces), so a request for a small space is
// refused with InvalidParam, and nothing else of the call happens; the control
// word returned is the setting the space has: 0. Redirector: nil (no change) and
// anythread (no redirection) are accepted; IPC redirection is not implemented, so
// any other thread is refused with InvalidParam.
#include "boot/kip_page.h"
#include "syscall/sys_common.h"
#include "syscall/syscalls.h"
#include "mm/space.h"
#include "thread/tcb_array.h"

namespace syscall {

using namespace api;  // the X.2 types every system call decodes

namespace {

constexpr unsigned kKipAreaLog2 = 12;
constexpr unsigned kMinUtcbAreaLog2 = 12;

bool in_user_space(Fpage f) { return f.is_valid_memory() && !f.is_complete() && f.end() <= mm::kUserSpaceEnd; }

constexpr Word kChangeSmallSpace = Word{1} << 31;
constexpr Word kSmallSpaceMask = 0xFF;
constexpr Word kLargeSpace = 0;

}  // namespace

SpaceControlResult space_control(ThreadId space_specifier, Word control, Fpage kip_area, Fpage utcb_area,
                                 ThreadId redirector) {
    if (!caller_privileged()) return {fail(Error::NoPrivilege), 0};
    thread::Tcb* tcb = thread::lookup_thread(space_specifier);
    if (tcb == nullptr) return {fail(Error::InvalidSpace), 0};
    if ((control & kChangeSmallSpace) != 0 && (control & kSmallSpaceMask) != kLargeSpace)
        return {fail(Error::InvalidParam), kLargeSpace};
    if (!redirector.is_nil() && !redirector.is_any()) return {fail(Error::InvalidParam), kLargeSpace};
    mm::Space* space = tcb->m_space;
    Fpage kip = kip_area.is_nil() ? space->kip_area() : kip_area;
    Fpage utcb = utcb_area.is_nil() ? space->utcb_area() : utcb_area;
    if (space->is_configured() && (kip != space->kip_area() || utcb != space->utcb_area()))
        return {fail(space->utcb_area() != utcb ? Error::UtcbArea : Error::KipArea), 0};
    if (kip.is_nil() || !in_user_space(kip) || kip.log2_size() != kKipAreaLog2) return {fail(Error::KipArea), 0};
    if (utcb.is_nil() || !in_user_space(utcb) || utcb.log2_size() < kMinUtcbAreaLog2 || utcb.overlaps(kip))
        return {fail(Error::UtcbArea), 0};
    if (!space->is_configured() && !space->try_configure(kip, boot::kip_page_phys(), utcb)) return {fail(Error::OutOfMemory), 0};
    return {1, kLargeSpace};
}

}  // namespace syscall
