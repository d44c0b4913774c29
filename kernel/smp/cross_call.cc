// cross_call.cc: see cross_call.h for the protocol.
#include "smp/cross_call.h"

#include "arch/arch.h"
#include "lib/per_cpu.h"
#include "lib/spin_lock.h"
#include "smp/online.h"

namespace smp {
namespace {

struct Request {
    CallFunction fn;
    void* arg;
    unsigned* pending;  // decremented after fn ran; null for Wait::No
};

struct CallQueue {
    static constexpr unsigned kCapacity = 32;
    SpinLock lock;
    Request ring[kCapacity] GUARDED_BY(lock);
    unsigned head GUARDED_BY(lock) = 0;  // next to run
    unsigned count GUARDED_BY(lock) = 0;
    unsigned long handled = 0;  // only the owning CPU writes it
};

PerCpu<CallQueue> g_queues;

bool try_enqueue(unsigned cpu, const Request& request) {
    CallQueue& q = g_queues.on(cpu);
    IrqSpinLockGuard guard(q.lock);
    if (q.count == CallQueue::kCapacity) return false;
    q.ring[(q.head + q.count) % CallQueue::kCapacity] = request;
    ++q.count;
    return true;
}

void post(unsigned cpu, const Request& request) {
    while (!try_enqueue(cpu, request)) {
        handle_cross_calls();  // the target may be waiting on us to drain ours
        arch::cpu_relax();
    }
    arch::send_cross_call_ipi(cpu);
}

void wait_for(unsigned* pending) {
    serve_calls_until([pending] { return __atomic_load_n(pending, __ATOMIC_ACQUIRE) == 0; });
}

/// A look at the queue without its lock: a request enqueued before its IPI
/// was sent is seen by the handler of that IPI, so an empty answer only
/// defers a request whose IPI is still to come (an inbox ring, ipc/remote.cc,
/// sends the IPI alone and finds the queue empty here).
bool queue_empty(const CallQueue& q) NO_THREAD_SAFETY_ANALYSIS {
    return __atomic_load_n(&q.count, __ATOMIC_ACQUIRE) == 0;
}

}  // namespace

void handle_cross_calls() {
    CallQueue& q = g_queues.current();
    if (queue_empty(q)) return;
    arch::InterruptsOff off;
    for (;;) {
        Request request;
        {
            SpinLockGuard guard(q.lock);
            if (q.count == 0) return;
            request = q.ring[q.head];
            q.head = (q.head + 1) % CallQueue::kCapacity;
            --q.count;
        }
        request.fn(request.arg);
        __atomic_fetch_add(&q.handled, 1, __ATOMIC_RELAXED);
        if (request.pending == nullptr) continue;
        __atomic_fetch_sub(request.pending, 1, __ATOMIC_RELEASE);
        // A CPU waits for this answer. Under QEMU's -icount, which runs the virtual
        // CPUs one after the other, a `pause` ends this CPU's turn, so the waiter
        // goes on at once rather than after everything this CPU would run next (a
        // program polling the serial port made each answer take seconds). On real
        // hardware it is only a hint.
        arch::cpu_relax();
    }
}

void lock_serving_calls(SpinLock& lock) NO_THREAD_SAFETY_ANALYSIS {
    while (!lock.try_lock()) {
        handle_cross_calls();
        arch::cpu_relax();
    }
}

bool call_on(unsigned cpu, CallFunction fn, void* arg, Wait wait) {
    if (!cpu_online(cpu)) return false;
    unsigned pending = 1;
    Request request{fn, arg, wait == Wait::Yes ? &pending : nullptr};
    if (cpu == arch::cpu_index()) {
        arch::InterruptsOff off;  // same context as a remote call: interrupt handler rules
        fn(arg);
        return true;
    }
    post(cpu, request);
    if (wait == Wait::Yes) wait_for(&pending);
    return true;
}

void call_on_all(CallFunction fn, void* arg, Wait wait) {
    unsigned self = arch::cpu_index();
    unsigned pending = 0;
    for (unsigned cpu = 0; cpu < platform::kMaxCpus; ++cpu)
        if (cpu != self && cpu_online(cpu)) ++pending;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    for (unsigned cpu = 0; cpu < platform::kMaxCpus; ++cpu) {
        if (cpu == self || !cpu_online(cpu)) continue;
        post(cpu, Request{fn, arg, wait == Wait::Yes ? &pending : nullptr});
    }
    {
        arch::InterruptsOff off;
        fn(arg);
    }
    if (wait == Wait::Yes) wait_for(&pending);
}

unsigned long calls_handled(unsigned cpu) { return __atomic_load_n(&g_queues.on(cpu).handled, __ATOMIC_RELAXED); }

}  // namespace smp
