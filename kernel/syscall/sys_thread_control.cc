// sys_thread_control.cc: the ThreadControl system call (privileged).
//
//   ThreadControl(dest, SpaceSpecifier, Scheduler, Pager, UtcbLocation)
//   SpaceSpecifier nil               delete dest
//   dest new, SpaceSpecifier = dest  create dest in a new address space
//   dest new, SpaceSpecifier = t     create dest in t's address space
//   dest exists                      change its scheduler, pager, UTCB;
//                                    an inactive thread that gets a pager is
//                                    activated at the UTCB location it was given
//                                    (now or by an earlier call)
//   dest exists, SpaceSpecifier = t  first move dest into t's space (Lab 7's
//     in another space               kernel part, thesis 4.2.4): its UTCB stays
//                                    at its address, its state and CPU stay;
//                                    the space it left goes with its last thread
// UtcbLocation ~0 means "no change". A thread is created inactive unless a pager
// comes with it; an inactive thread keeps a UTCB location given to it (checked
// against its space's UTCB area once the space has one) until a pager activates it:
// the X.2 way to set a thread up in three calls (create with a UTCB location,
// SpaceControl, ThreadControl with the pager), which Pistachio's programs use.
// Every call does all it is asked or returns 0 with ErrorCode set: NoPrivilege,
// InvalidThread (dest not a user thread; a new thread without a scheduler),
// InvalidSpace (no thread t; a new thread activated in a space without SpaceControl),
// InvalidScheduler, UtcbArea (a location outside the UTCB area or taken, a change of
// an active thread's UTCB, a pager for a thread with no UTCB location), OutOfMemory.
#include "syscall/sys_common.h"
#include "syscall/syscalls.h"
#include "arch/arch.h"
#include "mm/space.h"
#include "platform/machine.h"
#include "thread/scheduler.h"
#include "thread/tcb_array.h"
#include "thread/thread_ops.h"

namespace syscall {

using namespace api;  // the X.2 types every system call decodes

namespace {

constexpr Word kNoChange = ~Word{0};
constexpr Word kUserBase = 32;

// On the owner CPU: args[0] = what to do, [1] scheduler, [2] pager, [3] UTCB,
// [5] the space to move into (nullptr: stay); args[4] gets the Error (0 = ok),
// args[5] the space the thread left if it was the last one there.
enum Op : Word { kDelete, kModify };

/// Whether `location` may be a UTCB of `space`: inside its UTCB area (which it must
/// have), aligned, and nobody's yet.
bool utcb_fits(mm::Space* space, Word location) {
    api::Fpage area = space->utcb_area();
    return space->is_configured() && api::is_valid_utcb_location(location) && area.contains(location) &&
           uint64_t(location) + api::kUtcbSize <= area.end() && space->utcb_owner(location) == nullptr;
}

/// An inactive thread: stores a UTCB location given, and activates it if a pager
/// came. Returns the Error, or 0.
Word set_up_inactive(thread::Tcb* tcb, ThreadId pager, Word utcb) {
    if (utcb != kNoChange) {
        if (!utcb_fits(tcb->m_space, utcb)) return Word(Error::UtcbArea);
        tcb->m_utcb_wanted = utcb;
    }
    if (pager.is_nil()) return 0;
    if (tcb->m_utcb_wanted == kNoChange) return Word(Error::UtcbArea);  // a pager, but no UTCB to start with
    Result<void> activated = thread::try_activate(tcb, tcb->m_utcb_wanted, pager);
    return activated.ok() ? 0 : Word(activated.error());
}

void control_op(ipc::RemoteRequest& request) {
    thread::Tcb* tcb = request.subject;
    Word* a = request.args;
    a[4] = 0;
    if (a[0] == kDelete) {
        thread::delete_thread(tcb);
        return;
    }
    ThreadId scheduler = ThreadId::from_raw(a[1]);
    ThreadId pager = ThreadId::from_raw(a[2]);
    bool active = tcb->m_utcb != nullptr;
    // The UTCB of an active thread does not change: refused before anything else is.
    if (active && a[3] != kNoChange && a[3] != tcb->m_utcb_location) {
        a[4] = Word(Error::UtcbArea);
        a[5] = 0;
        return;
    }
    if (a[5] != 0) {
        Result<mm::Space*> moved = thread::try_move_to_space(tcb, reinterpret_cast<mm::Space*>(a[5]));
        if (!moved.ok()) {
            a[4] = Word(moved.error());
            a[5] = 0;
            return;
        }
        a[5] = reinterpret_cast<Word>(moved.value());
    }
    if (!active) {
        a[4] = set_up_inactive(tcb, pager, a[3]);
        if (a[4] != 0) return;
    } else if (!pager.is_nil()) {
        tcb->m_utcb->pager = pager;
    }
    if (!scheduler.is_nil()) tcb->m_scheduler = scheduler;
}

Word create(ThreadId dest, ThreadId space_specifier, ThreadId scheduler, ThreadId pager, Word utcb) {
    if (dest.number() < kUserBase || !dest.is_global() || dest.is_any()) return fail(Error::InvalidThread);
    if (scheduler.is_nil()) return fail(Error::InvalidThread);
    bool new_space = space_specifier == dest;
    thread::Tcb* sharer = new_space ? nullptr : thread::lookup_thread(space_specifier);
    if (!new_space && sharer == nullptr) return fail(Error::InvalidSpace);
    // A thread created active needs a space with SpaceControl done (not a new one) and
    // a UTCB there; a location given for a new space is checked when the pager comes.
    if (!pager.is_nil()) {
        if (new_space || !sharer->m_space->is_configured()) return fail(Error::InvalidSpace);
        if (utcb == kNoChange || !utcb_fits(sharer->m_space, utcb)) return fail(Error::UtcbArea);
    } else if (utcb != kNoChange && !new_space && sharer->m_space->is_configured() &&
               !utcb_fits(sharer->m_space, utcb)) {
        return fail(Error::UtcbArea);
    }
    mm::Space* space;
    if (new_space) {
        unsigned node = platform::machine_topology().cpus[arch::cpu_index()].node;
        space = mm::Space::try_create(node);
        if (space == nullptr) return fail(Error::OutOfMemory);
    } else {
        space = sharer->m_space;
    }
    Result<thread::Tcb*> created = thread::try_create(dest, space, scheduler);
    if (!created.ok()) {
        if (new_space) space->destroy();
        return fail(created.error());
    }
    created.value()->m_utcb_wanted = utcb;
    if (!pager.is_nil()) {
        Result<void> activated = thread::try_activate(created.value(), utcb, pager);
        if (!activated.ok()) {
            thread::delete_thread(created.value());
            return fail(activated.error());
        }
    }
    return 1;
}

}  // namespace

Word thread_control(ThreadId dest, ThreadId space_specifier, ThreadId scheduler, ThreadId pager, Word utcb) {
    if (!caller_privileged()) return fail(Error::NoPrivilege);
    if (!dest.is_global() || dest.is_nil() || dest.is_any()) return fail(Error::InvalidThread);
    if (!scheduler.is_nil() && thread::lookup_thread(scheduler) == nullptr) return fail(Error::InvalidScheduler);
    thread::Tcb* tcb = thread::lookup_thread(dest);
    if (tcb == nullptr) {
        if (space_specifier.is_nil()) return fail(Error::InvalidThread);
        if (dest.number() < thread::kMaxThreads && thread::tcb_slot(dest.number())->exists())
            return fail(Error::InvalidThread);  // the number is taken by another version
        return create(dest, space_specifier, scheduler, pager, utcb);
    }
    if (tcb == caller()) return fail(Error::InvalidThread);  // a thread cannot delete or change itself here
    Word args[8] = {};
    if (space_specifier.is_nil()) {
        args[0] = kDelete;
    } else {
        thread::Tcb* sharer = thread::lookup_thread(space_specifier);
        if (sharer == nullptr || sharer->m_space == nullptr) return fail(Error::InvalidSpace);
        args[0] = kModify;
        args[1] = scheduler.raw();
        args[2] = pager.raw();
        args[3] = utcb;
        args[5] = sharer->m_space != tcb->m_space ? reinterpret_cast<Word>(sharer->m_space) : 0;
    }
    if (run_on_owner(tcb, control_op, args) != uint8_t(thread::WakeReason::Done)) return fail(Error::InvalidThread);
    // The space the thread left with its last thread goes here, not on the owner
    // CPU: its destruction waits for every CPU that ran it to forget its translations.
    if (args[5] != 0) reinterpret_cast<mm::Space*>(args[5])->destroy();
    if (args[4] != 0) return fail(Error(args[4]));
    return 1;
}

}  // namespace syscall
