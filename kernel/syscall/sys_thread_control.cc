// sys_thread_control.cc: the ThreadControl system call (privileged).
//
//   ThreadControl(dest, SpaceSpecifier, Scheduler, Pager, UtcbLocation)
//   SpaceSpecifier nil               delete dest
//   dest new, SpaceSpecifier = dest  create dest in a new address space
//   dest new, SpaceSpecifier = t     create dest in t's address space
//   dest exists                      change its scheduler, pager, UTCB;
//                                    an inactive thread with a pager and a
//                                    UTCB in a configured space is activated
//   dest exists, SpaceSpecifier = t  first move dest into t's space (Lab 7's
//     in another space               kernel part, thesis 4.2.4): its UTCB stays
//                                    at its address, its state and CPU stay;
//                                    the space it left goes with its last thread
// Pager nil leaves a new thread inactive; UtcbLocation ~0 means "no change".
// Returns 1 on success, 0 with ErrorCode set on failure.
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

void control_op(ipc::RemoteRequest& request) {
    thread::Tcb* tcb = request.subject;
    Word* a = request.args;
    a[4] = 0;
    if (a[0] == kDelete) {
        thread::delete_thread(tcb);
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
    ThreadId scheduler = ThreadId::from_raw(a[1]);
    ThreadId pager = ThreadId::from_raw(a[2]);
    if (!scheduler.is_nil()) tcb->m_scheduler = scheduler;
    if (tcb->m_state == thread::State::Inactive) {
        if (!pager.is_nil() && a[3] != kNoChange) {
            Result<void> activated = thread::try_activate(tcb, a[3], pager);
            if (!activated.ok()) a[4] = Word(activated.error());
        } else if (a[3] != kNoChange) {
            a[4] = Word(Error::UtcbArea);  // a UTCB is set together with the pager that starts the thread
        }
        return;
    }
    if (a[3] != kNoChange && a[3] != tcb->m_utcb_location) {
        a[4] = Word(Error::UtcbArea);  // an active thread keeps its UTCB
        return;
    }
    if (!pager.is_nil()) tcb->m_utcb->pager = pager;
}

Word create(ThreadId dest, ThreadId space_specifier, ThreadId scheduler, ThreadId pager, Word utcb) {
    if (dest.number() < kUserBase || !dest.is_global() || dest.is_any()) return fail(Error::InvalidThread);
    mm::Space* space;
    bool new_space = space_specifier == dest;
    if (new_space) {
        unsigned node = platform::machine_topology().cpus[arch::cpu_index()].node;
        space = mm::Space::try_create(node);
        if (space == nullptr) return fail(Error::OutOfMemory);
    } else {
        thread::Tcb* sharer = thread::lookup_thread(space_specifier);
        if (sharer == nullptr) return fail(Error::InvalidSpace);
        space = sharer->m_space;
    }
    Result<thread::Tcb*> created = thread::try_create(dest, space, scheduler);
    if (!created.ok()) {
        if (new_space) space->destroy();
        return fail(created.error());
    }
    if (!pager.is_nil() && utcb != kNoChange) {
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
