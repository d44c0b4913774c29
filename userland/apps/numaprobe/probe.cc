// probe.cc: numaprobe's threads, barriers, checks and reports (probe.h).
#include "probe.h"

#include "l4/ipc.h"
#include "l4/message.h"
#include "l4/options.h"
#include "l4/print.h"
#include "l4/rpc.h"
#include "l4/string.h"

namespace numaprobe {

Setup g_setup;
ThreadId g_ids[kMaxThreads];
Barrier g_everybody;
Barrier g_threads;
void (*g_thread_body)(unsigned);

bool Barrier::wait(unsigned busy_looks) {
    constexpr unsigned kSpinsBeforeSleep = 256;
    if (__atomic_load_n(&m_broken, __ATOMIC_ACQUIRE)) return false;
    Word generation = __atomic_load_n(&m_generation, __ATOMIC_ACQUIRE);
    if (__atomic_add_fetch(&m_arrived, 1, __ATOMIC_ACQ_REL) == m_parties) {
        __atomic_store_n(&m_arrived, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&m_generation, generation + 1, __ATOMIC_RELEASE);
        return true;
    }
    for (unsigned look = 0; look < busy_looks; ++look) {
        if (__atomic_load_n(&m_generation, __ATOMIC_ACQUIRE) != generation) return true;
        __builtin_ia32_pause();
    }
    uint64_t deadline = l4::system_clock() + kBarrierLimitUs;
    for (unsigned spins = 1; __atomic_load_n(&m_generation, __ATOMIC_ACQUIRE) == generation; ++spins) {
        if (spins < kSpinsBeforeSleep) l4::thread_switch(ThreadId::nil());
        else l4::sleep(l4::milliseconds(1));
        if (spins % 64 == 0 && (__atomic_load_n(&m_broken, __ATOMIC_ACQUIRE) || l4::system_clock() > deadline)) {
            __atomic_store_n(&m_broken, true, __ATOMIC_RELEASE);
            return false;
        }
    }
    return true;
}

namespace {

Word g_failures;  ///< value checks that failed, by any thread

/// A thread first runs the code a barrier waits with (the clock, a yield, a sleep), so
/// that its pages are on the thread's node before any phase: a later first fault on
/// them would fall into a phase's page counts (a code page is replicated per node).
void thread_main(Word index) {
    (void)l4::system_clock();
    l4::thread_switch(ThreadId::nil());
    l4::sleep(l4::milliseconds(1));
    g_thread_body(unsigned(index));
}

/// Reports `phase` to the inspector (phase 0: `failures` is the exit code): 1 go on,
/// 0 stop, and ~0 when the call failed.
Word report(Word phase, Word base, Word pages, Word failures) {
    if (phase != 0)
        l4::printf("numaprobe: phase %u: %u page(s) at %x, %u failed check(s)\n", unsigned(phase), unsigned(pages),
                   unsigned(base), unsigned(failures));
    if (g_setup.inspector.is_nil()) return 1;
    numa::ProbeReport r{};
    r.phase = phase;
    r.base = base;
    r.pages = pages;
    r.thread_count = g_setup.threads;
    for (unsigned i = 0; i < g_setup.threads; ++i) r.threads[i] = g_ids[i];
    r.failures = failures;
    auto answer = l4::rpc::call_with_timeout<numa::probe_proto::Inspect>(
        g_setup.inspector, l4::milliseconds(kInspectLimitMs), r);
    return answer.ok() ? answer.value() : ~Word{0};
}

}  // namespace

int give_up(ProbeExit code, const char* why) {
    l4::printf("numaprobe: %s\n", why);
    if (!g_setup.inspector.is_nil()) (void)report(0, g_setup.base, 0, Word(code));
    return int(code);
}

int inspect(Word phase, Word base, Word pages) {
    if (!g_everybody.wait()) return give_up(ProbeExit::BarrierTimeout, "a thread did not reach the checkpoint");
    Word failures = __atomic_load_n(&g_failures, __ATOMIC_ACQUIRE);
    Word answer = report(phase, base, pages, failures);
    if (answer == ~Word{0}) {
        l4::printf("numaprobe: the inspect call to %x failed\n", g_setup.inspector.raw());
        return int(ProbeExit::NoInspector);
    }
    if (answer != 1) {
        l4::printf("numaprobe: the test said stop after phase %u\n", unsigned(phase));
        return int(ProbeExit::Stopped);
    }
    if (!g_everybody.wait()) return give_up(ProbeExit::BarrierTimeout, "a thread did not leave the checkpoint");
    return -1;
}

int verdict() {
    Word failures = __atomic_load_n(&g_failures, __ATOMIC_ACQUIRE);
    if (failures == 0) return int(ProbeExit::Passed);
    l4::printf("numaprobe: %u value check(s) failed\n", unsigned(failures));
    return int(ProbeExit::ChecksFailed);
}

Word number_arg(const char* key, Word fallback) {
    char text[16];
    Word value = 0;
    return os::arg_value(key, text, sizeof text) && l4::parse_number(text, &value) ? value : fallback;
}

void count_failure() { __atomic_add_fetch(&g_failures, 1, __ATOMIC_RELAXED); }

Word failures() { return __atomic_load_n(&g_failures, __ATOMIC_ACQUIRE); }

bool start_threads() {
    g_everybody.init(g_setup.threads + 1);
    g_threads.init(g_setup.threads);
    for (unsigned i = 0; i < g_setup.threads; ++i) {
        g_ids[i] = os::create_thread(i, thread_main, i);
        if (g_ids[i].is_nil()) return false;
    }
    return true;
}

}  // namespace numaprobe
