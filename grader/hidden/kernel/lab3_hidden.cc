// lab3_hidden.cc: a hidden Lab 3 self-test (instructor kit only).
//
// Many test threads, each moved over every node in an order of its own, then
// deleted in an order unlike their creation: after every move the page lies
// on the node serving the target, whole, and the kernel's free memory comes
// back exactly.
#include "test/ktest.h"
#include "test/lab3_support.h"

using namespace lab3;

namespace {

constexpr unsigned kThreads = 64;

}  // namespace

KTEST(lab3_hidden_many_threads, "lab3.hidden.many_threads") {
    uint64_t before = free_kernel_bytes();
    unsigned me = arch::cpu_index();
    Tcb* threads[kThreads];
    api::Word numbers[kThreads];
    unsigned made = 0;
    for (; made < kThreads; ++made) {
        numbers[made] = kFirstTestNumber - 100 - made * 7;
        threads[made] = make_test_thread(numbers[made], cpu_node((me + made) % platform::machine_topology().num_cpus));
        if (!t.check(threads[made] != nullptr, "no memory for test thread %u", made)) break;
    }
    unsigned cpus = platform::machine_topology().num_cpus;
    unsigned moves = 0;
    for (unsigned step = 0; step < 2 * cpus && !t.failed(); ++step)
        for (unsigned i = 0; i < made && !t.failed(); ++i) {
            unsigned cpu = (i * 3 + step * (1 + i % 5)) % cpus;
            if (!smp::cpu_online(cpu)) continue;
            uint64_t frame = thread::tcb_frame(threads[i]);
            thread::place_tcb(threads[i], cpu_node(cpu));
            moves += thread::tcb_frame(threads[i]) != frame ? 1 : 0;
            t.check(pool_of(thread::tcb_frame(threads[i])) == int(memory_node(cpu_node(cpu))),
                    "thread %u, step %u: its TCB lies on node %d, not on the node serving cpu %u", i, step,
                    pool_of(thread::tcb_frame(threads[i])), cpu);
            const char* what = damage(threads[i], numbers[i]);
            t.check(what == nullptr, "thread %u, step %u: %s", i, step, what != nullptr ? what : "");
        }
    // Out of order: 37 and 64 share no factor, so k * 37 mod 64 visits every thread once.
    for (unsigned k = 0; k < made; ++k) drop_test_thread(threads[made == kThreads ? (k * 37) % kThreads : made - 1 - k]);
    t.check(free_kernel_bytes() == before, "free kernel memory %llu after the test, expected %llu",
            (unsigned long long)free_kernel_bytes(), (unsigned long long)before);
    t.evidence("threads=%u moves=%u", made, moves);
}
