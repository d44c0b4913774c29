// sys_schedule.cc: the Schedule and ThreadSwitch system calls.
//
//   Schedule(dest, TimeControl, ProcessorControl, PrioControl, PreemptionControl)
// Only dest's scheduler (or a privileged thread) may call it. A word of all
// ones leaves that setting alone. TimeControl: time slice (bits 31..16) and
// total quantum (15..0, not enforced); ProcessorControl: the CPU to move dest
// to; PrioControl: the new priority, at most the caller's own;
// PreemptionControl: accepted, not used. Returns dest's old state in X.2's
// encoding (below) and the old TimeControl.
//
//   ThreadSwitch(dest): give the CPU to dest if it is ready on this CPU,
//   else (and for nil) to any other ready thread of equal priority.
#include "syscall/sys_common.h"
#include "syscall/syscalls.h"
#include "arch/arch.h"
#include "smp/online.h"
#include "thread/scheduler.h"

namespace syscall {

using namespace api;  // the X.2 types every system call decodes

namespace {

constexpr Word kNoChange = ~Word{0};

// X.2 Schedule result: the thread's state.
enum StateCode : Word { kError = 0, kDead = 1, kInactive = 2, kRunning = 3, kPendingSend = 4, kSending = 5,
                        kWaiting = 6, kReceiving = 7 };

Word state_code(const thread::Tcb* tcb) {
    switch (tcb->m_state) {
    case thread::State::Free: return kDead;
    case thread::State::Inactive: return kInactive;
    case thread::State::Sending: return kPendingSend;
    case thread::State::Receiving: return kWaiting;
    default: return kRunning;
    }
}

// On the owner CPU. args: [0] time control, [1] processor, [2] priority; out: [0] old time, [1] state.
void schedule_op(ipc::RemoteRequest& request) {
    thread::Tcb* tcb = request.subject;
    Word* a = request.args;
    Word old_time = Word(Time::from_microseconds(tcb->m_sched.timeslice_us()).raw()) << 16;
    Word state = state_code(tcb);
    if (a[2] != kNoChange) thread::set_priority(tcb, uint8_t(a[2]));
    if (a[0] != kNoChange) {
        Result<uint64_t> slice = Time::from_raw(uint16_t(a[0] >> 16)).try_microseconds();
        if (slice.ok() && slice.value() != 0 && slice.value() < kForever) tcb->m_sched.set_timeslice(uint32_t(slice.value()));
    }
    if (a[1] != kNoChange) thread::migrate(tcb, unsigned(a[1]), request.origin == tcb);
    a[0] = old_time;
    a[1] = state;
}

}  // namespace

ScheduleResult schedule(ThreadId dest, Word time_control, Word processor_control, Word prio_control,
                        Word preemption_control) {
    thread::Tcb* tcb = resolve_thread(dest);
    if (tcb == nullptr || tcb->m_is_idle) return {fail(Error::InvalidThread), 0};
    if (tcb->m_scheduler != caller()->m_global_id && !caller_privileged()) return {fail(Error::NoPrivilege), 0};
    if (processor_control != kNoChange && !smp::cpu_online(processor_control)) return {fail(Error::InvalidParam), 0};
    if (prio_control != kNoChange && (prio_control > 255 || prio_control > caller()->m_sched.priority()))
        return {fail(Error::InvalidParam), 0};
    Word args[8] = {time_control, processor_control, prio_control};
    if (run_on_owner(tcb, schedule_op, args) != uint8_t(thread::WakeReason::Done))
        return {fail(Error::InvalidThread), 0};
    return {args[1], args[0]};
}

void thread_switch(ThreadId dest) {
    thread::Tcb* tcb = dest.is_nil() ? nullptr : resolve_thread(dest);
    if (tcb != nullptr && tcb->owned_by(arch::cpu_index()) && tcb->m_state == thread::State::Ready) {
        thread::donate(tcb);
        return;
    }
    thread::yield();
}

}  // namespace syscall
