// scheduler.cc: per-CPU scheduling (see scheduler.h): switching threads,
// the run queue, blocking and waking, the safe point and the timer tick.
// Timeouts are in timeouts.cc, moving threads between CPUs in migration.cc;
// the three share the per-CPU state of cpu_scheduler.h.
#include "lib/cxx_runtime.h"
#include "thread/cpu_scheduler.h"
#include "thread/safe_point.h"
#include "thread/scheduler.h"
#include "thread/tcb_array.h"
#include "thread/tcb_migrate.h"
#include "thread/thread_ops.h"

#include "arch/arch.h"
#include "arch/mmu.h"
#include "arch/user.h"
#include "ipc/ipc.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "mm/code_replica.h"
#include "mm/kmem.h"
#include "mm/space.h"
#include "platform/machine.h"
#include "smp/online.h"

namespace thread {

namespace detail {

PerCpu<CpuScheduler> g_cpus;

}  // namespace detail

using namespace detail;

namespace {

/// Stops the kernel if `tcb`'s kernel stack ran into its Tcb object: when the
/// CPU switches away from it, and at each timer tick for the thread the tick
/// interrupts (the IPC fast path switches without this test).
void check_stack(const Tcb* tcb) {
    if (tcb->m_stack_canary != kStackCanary) panic("kernel stack overflow in thread %x", tcb->global_id().raw());
}

/// The directory `next` runs in. Its user context (load_user_context) is loaded
/// once, on its way back to user mode (kernel_exit), not here as well.
void load_thread_directory(Tcb* next) {
    unsigned cpu = arch::cpu_index();
    arch::load_directory(next->m_is_idle ? mm::kernel_directory_for(cpu) : next->m_space->switch_directory(cpu));
}

void switch_to(CpuScheduler& c, Tcb* prev, Tcb* next) {
    c.current = next;
    c.charged_until = arch::cycles();  // next pays from now on, not for prev's part of the tick
    c.switched_from = prev;
    load_thread_directory(next);
    arch::switch_stacks(&prev->m_kernel_esp, &next->m_kernel_esp);
    finish_switch();
}

/// The safe point's work that needs no switch: the inbox of requests from
/// other CPUs, deleted threads to free, expired timeouts. Any of it may make
/// threads ready (and raise Resched). With `current` (the CPU's current
/// thread, not the idle one), an operation on that thread is left in the
/// inbox and the answer is false: the CPU must switch away first
/// (leave_for_idle, ipc::handle_inbox).
bool do_safe_point_work(CpuScheduler& c, const Tcb* current) {
    bool inbox_done = ipc::handle_inbox(current);
    if (c.dead != nullptr) reap_dead(c);
    SafePointWork& work = c.safe_point;
    if (work.has(SafePointWork::Tick)) {
        work.clear(SafePointWork::Tick);
        expire_timeouts(c);
    }
    return inbox_done;
}

/// Whether the safe point has anything to do: one load of the CPU's work word
/// (a request, a tick with timeouts, a switch due, receivers of a deleted
/// thread to look for) and the list of the dead.
bool safe_point_work_waits(const CpuScheduler& c) {
    return c.safe_point.any() || c.dead != nullptr;
}

/// Whether the CPU may wait for `prev`, blocked with nothing else to run, on
/// prev's own kernel stack and in its space, instead of switching to the idle
/// thread and back: only while prev stays here, whole, in an IPC wait (the
/// idle thread never is in one). A deletion (to free after the switch, or a
/// zombie whose last answer frees it wherever it arrives: ipc/remote.cc), a
/// move to another CPU, a TCB move put off (Lab 3), a halt: the CPU switches
/// to the idle thread as before (finish_switch does the rest).
bool waits_in_place(const CpuScheduler& c, const Tcb* prev) {
    bool ipc_wait =
        prev->m_state == State::Sending || prev->m_state == State::Receiving || prev->m_state == State::WaitingRemote;
    return ipc_wait && !prev->m_zombie && prev->m_migrate_to < 0 && !prev->m_tcb_pending && c.to_free != prev;
}

/// Whether `prev`, the thread the CPU switches or picks away from, goes back
/// into the run queue: ready, not the idle thread (which is never queued), not
/// leaving for another CPU (finish_switch hands it over), not to be freed.
bool stays_ready(const CpuScheduler& c, const Tcb* prev) {
    return prev->m_state == State::Ready && !prev->m_is_idle && prev->m_migrate_to < 0 && c.to_free != prev;
}

/// An operation another CPU asks on `prev`, the CPU's current thread, waits in
/// the inbox (ipc::handle_inbox stopped before it): switches to the idle
/// thread, which handles it with prev switched out (queued if it is ready)
/// and then picks again. Returns when prev runs again.
void leave_for_idle(CpuScheduler& c, Tcb* prev) {
    {
        InterruptsOffSpinLockGuard guard(c.queue.lock());
        if (stays_ready(c, prev)) (void)c.queue.enqueue_locked(prev->m_sched, RunQueue::Where::Head);
    }
    request_reschedule();
    switch_to(c, prev, c.idle);
}

/// Picks the next thread and switches to it. A thread that blocks with
/// nothing else ready stays the CPU's current thread: the CPU does the idle
/// loop's work here (safe-point work; `sti; hlt` when there is none) until
/// the thread is woken, another thread is ready or the thread must leave
/// (waits_in_place) or another CPU asks an operation on it, so a cross-CPU
/// IPC, whose answer comes through the inbox, costs no switch to the idle
/// thread and back, no run-queue round trip for the woken thread and no
/// directory reload. Interrupts stay off except in the `hlt`.
void schedule() {
    CpuScheduler& c = g_cpus.current();
    Tcb* prev = c.current;
    for (bool waited = false;; waited = true) {
        Tcb* next;
        {
            InterruptsOffSpinLockGuard guard(c.queue.lock());  // (schedule runs with interrupts off)
            bool prev_stays = stays_ready(c, prev);
            if (prev_stays && waited && c.queue.count_locked() == 0) {
                next = prev;  // woken while the CPU waited on its stack, and alone: no queue round trip
            } else {
                if (prev_stays)
                    (void)c.queue.enqueue_locked(prev->m_sched,
                                                 c.slice_expired ? RunQueue::Where::Tail : RunQueue::Where::Head);
                Schedulable* entry = c.queue.pick_highest_locked();
                next = entry != nullptr ? tcb_of(entry) : c.idle;
            }
            c.slice_expired = false;
        }
        c.safe_point.clear(SafePointWork::Resched);
        if (next == c.idle && waits_in_place(c, prev)) {
            if (!safe_point_work_waits(c)) {
                arch::wait_for_interrupt();  // interrupts were off since the test: no wake-up is lost
                arch::disable_interrupts();
            }
            if (!do_safe_point_work(c, prev)) {
                leave_for_idle(c, prev);
                return;
            }
            continue;
        }
        if (next != prev) switch_to(c, prev, next);
        else if (waited) c.charged_until = arch::cycles();  // the wait was idle time: nobody pays for it
        return;
    }
}

[[noreturn]] void idle_main() {
    finish_switch();
    for (;;) {
        arch::disable_interrupts();
        kernel_exit();
        arch::wait_for_interrupt();
    }
}

}  // namespace

namespace detail {

void load_user_context(Tcb* next) {
    mm::Space* space = next->m_space;
    arch::set_user_context(stack_top(next), next->m_utcb_segment, space->io_bitmap(), space->io_generation());
}

void reap_dead(CpuScheduler& c) {
    Tcb** link = &c.dead;
    while (Tcb* tcb = *link) {
        if (ipc::requests_in_flight(slot_number(tcb)) != 0) {
            link = &tcb->m_dead_next;
            continue;
        }
        *link = tcb->m_dead_next;
        tcb->m_dead_next = nullptr;
        thread::finish_delete(tcb);
    }
}

void finish_switch() {
    CpuScheduler& c = g_cpus.current();
    Tcb* prev = c.switched_from;
    c.switched_from = nullptr;
    if (prev == nullptr) return;
    check_stack(prev);
    if (c.to_free == prev) {
        c.to_free = nullptr;
        thread::finish_delete(prev);
        return;
    }
    if (prev->m_migrate_to >= 0) hand_over(prev);
    else if (prev->m_tcb_pending) place_tcb(prev, platform::machine_topology().cpus[arch::cpu_index()].node);
}

}  // namespace detail

}  // namespace thread

// A new user thread's first switch lands here (switch.S), then returns to user mode.
extern "C" void thread_started() {
    thread::detail::finish_switch();
    thread::kernel_exit();
}

namespace thread {

bool scheduling() { return g_cpus.current().running; }
Tcb* current() { return g_cpus.current().current; }
Tcb* idle_thread() { return g_cpus.current().idle; }
Tcb* Tcb::current() { return thread::current(); }
arch::UserFrame* Tcb::user_frame() { return arch::user_frame_at(uintptr_t(this) + kTcbSize); }

void create_idle_threads() {
    const platform::Topology& topology = platform::machine_topology();
    for (unsigned cpu = 0; cpu < topology.num_cpus; ++cpu) {
        if (!smp::cpu_online(cpu)) continue;
        void* page = kmem::alloc(kTcbSize, topology.cpus[cpu].node);
        if (page == nullptr) panic("no memory for cpu %u's idle thread", cpu);
        memset(page, 0, kTcbSize);
        Tcb* idle = new (page) Tcb();
        idle->m_page = page;
        idle->m_is_idle = true;
        idle->m_state = State::Ready;
        idle->m_cpu = cpu;
        idle->m_stack_canary = kStackCanary;
        idle->m_kernel_esp = arch::prepare_kernel_thread_stack(stack_top(idle), idle_main);
        g_cpus.on(cpu).idle = idle;
    }
}

void start_scheduling() {
    CpuScheduler& c = g_cpus.current();
    if (c.idle == nullptr) panic("cpu %u starts scheduling without an idle thread", arch::cpu_index());
    c.current = c.idle;
    c.running = true;
    c.safe_point.raise(SafePointWork::Resched);  // threads queued before scheduling started (the initial servers)
    uint32_t boot_esp;
    arch::disable_interrupts();
    arch::switch_stacks(&boot_esp, &c.idle->m_kernel_esp);
    panic("the boot stack was resumed");
}

void request_reschedule() { safe_point_work().raise(SafePointWork::Resched); }

void make_ready(Tcb* tcb) {
    CpuScheduler& c = g_cpus.current();
    tcb->m_state = State::Ready;
    if (tcb == c.current) return;
    IrqSpinLockGuard guard(c.queue.lock());
    (void)c.queue.enqueue_locked(tcb->m_sched, RunQueue::Where::Tail);
    if (c.current == nullptr) return;  // before start_scheduling(): boot puts the first threads here
    if (c.current->m_is_idle || tcb->m_sched.priority() > c.current->m_sched.priority()) request_reschedule();
}

void wake(Tcb* tcb, WakeReason why) {
    remove_timeout(g_cpus.current(), tcb);
    tcb->m_wake = why;
    make_ready(tcb);
}

WakeReason block(State state, uint64_t deadline) {
    CpuScheduler& c = g_cpus.current();
    Tcb* self = c.current;
    self->m_state = state;
    self->m_wake = WakeReason::None;
    if (deadline != 0) add_timeout(c, self, deadline);
    schedule();
    return self->m_wake;
}

void yield() {
    CpuScheduler& c = g_cpus.current();
    c.slice_expired = true;
    schedule();
}

void donate(Tcb* tcb) {
    CpuScheduler& c = g_cpus.current();
    if (tcb == c.current || tcb->m_state != State::Ready) return;
    Tcb* prev = c.current;
    {
        IrqSpinLockGuard guard(c.queue.lock());
        if (!c.queue.dequeue_locked(tcb->m_sched)) return;
        if (prev->m_state == State::Ready && !prev->m_is_idle)
            (void)c.queue.enqueue_locked(prev->m_sched, RunQueue::Where::Tail);
    }
    switch_to(c, prev, tcb);
}

void detach(Tcb* tcb) {
    CpuScheduler& c = g_cpus.current();
    remove_timeout(c, tcb);
    {
        IrqSpinLockGuard guard(c.queue.lock());
        c.queue.dequeue_locked(tcb->m_sched);
    }
    if (tcb == c.current) request_reschedule();
}

void free_after_switch(Tcb* tcb) {
    CpuScheduler& c = g_cpus.current();
    detach(tcb);
    if (tcb == c.current) {
        c.to_free = tcb;
        request_reschedule();
    } else {
        thread::finish_delete(tcb);
    }
}

void free_when_settled(Tcb* tcb) {
    CpuScheduler& c = g_cpus.current();
    tcb->m_dead_next = c.dead;
    c.dead = tcb;
}

void set_priority(Tcb* tcb, uint8_t priority) {
    CpuScheduler& c = g_cpus.current();
    IrqSpinLockGuard guard(c.queue.lock());
    c.queue.set_priority_locked(tcb->m_sched, priority);
    if (tcb != c.current && tcb->m_state == State::Ready && priority > c.current->m_sched.priority())
        request_reschedule();
    if (tcb == c.current) request_reschedule();
}

void kernel_exit() {
    if (!g_cpus.current().running) return;
    for (;;) {
        // Fetched anew each time: after schedule() this thread may be on another CPU.
        CpuScheduler& c = g_cpus.current();
        if (!safe_point_work_waits(c)) break;
        // An operation another CPU asks on the running thread (ThreadControl,
        // ExchangeRegisters, Schedule) finds it switched out, as one on a
        // waiting thread does (schedule): a deletion is done, thread and UTCB
        // freed, before its answer goes back (l4.thread.delete_on_other_cpu).
        Tcb* running = c.current;
        if (!do_safe_point_work(c, running->m_is_idle ? nullptr : running)) {
            leave_for_idle(c, running);
            continue;
        }
        if (!c.safe_point.has(SafePointWork::Resched)) break;
        schedule();
    }
    // The IO bitmap of the space may have changed while the thread ran.
    Tcb* running = g_cpus.current().current;
    if (running->m_is_idle) return;
    load_user_context(running);
    running->m_ran_here = true;  // it may be moved on now (migration.cc)
}

void on_timer_tick() {
    CpuScheduler& c = g_cpus.current();
    if (!c.running) return;
    if (c.timeouts != nullptr) c.safe_point.raise(SafePointWork::Tick);
    Tcb* cur = c.current;
    check_stack(cur);  // the IPC fast path's switches do not check (ipc_fast.S, step 10)
    if (cur->m_is_idle || cur->m_state != State::Ready) return;  // idle, here or on a blocked thread's stack
    // Charge the time the thread really ran since it was switched in or last
    // charged: a thread switched in just before a tick pays for that bit only.
    // The IPC fast path's switches do not count (ipc_fast.S, step 9): after
    // them the running thread pays for the time since the last general
    // switch or tick, at most the tick.
    uint64_t now = arch::cycles();
    uint64_t hz = arch::cycles_per_second();
    uint64_t ran = now > c.charged_until && hz != 0 ? (now - c.charged_until) * 1'000'000 / hz : 0;
    c.charged_until = now;
    IrqSpinLockGuard guard(c.queue.lock());
    if (c.queue.tick_locked(cur->m_sched, ran > kTickUs ? kTickUs : uint32_t(ran))) {
        c.slice_expired = true;
        request_reschedule();
    }
}

}  // namespace thread
