// lab3_move.cc: Lab 3 self-tests of one TCB move at a time: the page follows
// the thread's node, whole; a move within a node moves nothing; the old page
// goes back to its pool, poisoned.
#include "test/ktest.h"
#include "test/lab3_support.h"

using namespace lab3;

namespace {

/// The CPUs to hop through: every online CPU in order, twice, then the first.
unsigned hops(unsigned* out) {
    unsigned count = 0;
    for (unsigned pass = 0; pass < 2; ++pass)
        for (unsigned cpu = 0; cpu < platform::machine_topology().num_cpus; ++cpu)
            if (smp::cpu_online(cpu)) out[count++] = cpu;
    out[count++] = out[0];
    return count;
}

}  // namespace

KTEST(lab3_follows, "lab3.tcb_follows_thread") {
    api::Word number = kFirstTestNumber;
    unsigned me = arch::cpu_index();
    Tcb* tcb = make_test_thread(number, cpu_node(me));
    if (!t.check(tcb != nullptr, "no memory for a test thread")) return;
    unsigned route[2 * platform::kMaxCpus + 1];
    unsigned count = hops(route);
    unsigned moved = 0, stayed = 0;
    unsigned long moves_before = thread::tcb_moves();
    for (unsigned h = 0; h < count && !t.failed(); ++h) {
        unsigned node = cpu_node(route[h]);
        uint64_t before = thread::tcb_frame(tcb);
        thread::place_tcb(tcb, node);
        uint64_t after = thread::tcb_frame(tcb);
        int want = int(memory_node(node));
        bool same = pool_of(before) == want;
        t.check(pool_of(after) == want,
                "hop %u, to cpu %u of node %u: the TCB page lies on node %d, not on node %d (try_move_tcb)", h,
                route[h], node, pool_of(after), want);
        if (same) {
            t.check(after == before, "hop %u, to cpu %u: the TCB already lay on node %d, yet it moved (the "
                    "same-node shortcut: frame_on_memory_of)", h, route[h], want);
            ++stayed;
        } else {
            t.check(after != before, "hop %u, to cpu %u of node %u: the TCB did not move", h, route[h], node);
            ++moved;
        }
        const char* what = damage(tcb, number);
        t.check(what == nullptr, "hop %u, to cpu %u: after the move %s", h, route[h], what != nullptr ? what : "");
    }
    t.check(thread::tcb_moves() - moves_before == moved, "the kernel counted %lu moves, the page table shows %u",
            thread::tcb_moves() - moves_before, moved);
    t.evidence("hops=%u moved=%u stayed=%u", count, moved, stayed);
    drop_test_thread(tcb);
}

KTEST(lab3_same_node, "lab3.same_node_stays") {
    // For every pair of online CPUs whose TCBs belong on the same memory
    // (one node, or a node without memory and the node serving it): a move
    // between them moves nothing, shoots nothing down, costs nothing.
    api::Word number = kFirstTestNumber - 1;
    unsigned me = arch::cpu_index();
    Tcb* tcb = make_test_thread(number, cpu_node(me));
    if (!t.check(tcb != nullptr, "no memory for a test thread")) return;
    unsigned pairs = 0;
    for (unsigned a = 0; a < platform::machine_topology().num_cpus && !t.failed(); ++a) {
        if (!smp::cpu_online(a)) continue;
        thread::place_tcb(tcb, cpu_node(a));
        for (unsigned b = 0; b < platform::machine_topology().num_cpus && !t.failed(); ++b) {
            if (!smp::cpu_online(b) || memory_node(cpu_node(b)) != memory_node(cpu_node(a))) continue;
            uint64_t before = thread::tcb_frame(tcb);
            uint64_t free_before = free_kernel_bytes();
            unsigned long moves = thread::tcb_moves(), flushes = thread::tcb_slot_flushes();
            thread::place_tcb(tcb, cpu_node(b));
            t.check(thread::tcb_frame(tcb) == before,
                    "cpu %u (node %u) to cpu %u (node %u): both use node %u's memory, yet the TCB page moved "
                    "(the same-node shortcut: frame_on_memory_of)", a, cpu_node(a), b, cpu_node(b),
                    memory_node(cpu_node(a)));
            t.check(thread::tcb_moves() == moves && thread::tcb_slot_flushes() == flushes,
                    "cpu %u to cpu %u: a same-node move counted a move or shot down TLB entries", a, b);
            t.check(free_kernel_bytes() == free_before, "cpu %u to cpu %u: a same-node move changed free memory",
                    a, b);
            ++pairs;
        }
    }
    const char* what = damage(tcb, number);
    t.check(what == nullptr, "after the same-node moves %s", what != nullptr ? what : "");
    t.evidence("pairs=%u", pairs);
    drop_test_thread(tcb);
}

KTEST(lab3_old_page, "lab3.old_page_returns") {
    // A move takes one page from the new node's pool and gives one back to the
    // old node's, poisoned (release_tcb_page); every CPU was asked to forget
    // the old translation (forget_tcb_translation on every online CPU).
    api::Word number = kFirstTestNumber - 2;
    unsigned me = arch::cpu_index();
    uint64_t total_before = free_kernel_bytes();
    Tcb* tcb = make_test_thread(number, cpu_node(me));
    if (!t.check(tcb != nullptr, "no memory for a test thread")) return;
    unsigned checked = 0;
    for (unsigned cpu = 0; cpu < platform::machine_topology().num_cpus && !t.failed(); ++cpu) {
        if (!smp::cpu_online(cpu)) continue;
        int from = pool_of(thread::tcb_frame(tcb));
        int to = int(memory_node(cpu_node(cpu)));
        if (from == to || from < 0) continue;
        uint64_t old_frame = thread::tcb_frame(tcb);
        uint64_t from_free = kmem::pools().on(unsigned(from)).free_bytes();
        uint64_t to_free = kmem::pools().on(unsigned(to)).free_bytes();
        unsigned long flushes = thread::tcb_slot_flushes();
        thread::place_tcb(tcb, cpu_node(cpu));
        if (!t.check(pool_of(thread::tcb_frame(tcb)) == to, "to cpu %u: the TCB did not move to node %d", cpu, to))
            break;
        t.check(kmem::pools().on(unsigned(from)).free_bytes() == from_free + thread::kTcbSize,
                "to cpu %u: node %d's pool got %lld bytes back, not the old TCB page (4096)", cpu, from,
                (long long)(kmem::pools().on(unsigned(from)).free_bytes() - from_free));
        t.check(kmem::pools().on(unsigned(to)).free_bytes() == to_free - thread::kTcbSize,
                "to cpu %u: node %d's pool gave %lld bytes, not one page", cpu, to,
                (long long)(to_free - kmem::pools().on(unsigned(to)).free_bytes()));
        // The old page, read through its pool: poisoned past the free list's header.
        const uint32_t* old_words = static_cast<const uint32_t*>(kmem::phys_to_virt(old_frame));
        unsigned poisoned = 0;
        for (size_t i = 16; i < stack_words(); ++i) poisoned += old_words[i] == thread::kTcbPoison ? 1 : 0;
        t.check(poisoned == stack_words() - 16,
                "to cpu %u: the old TCB page went back unpoisoned (%u of %u words; give it back with "
                "release_tcb_page)", cpu, poisoned, unsigned(stack_words() - 16));
        t.check(thread::tcb_slot_flushes() - flushes >= smp::online_count(),
                "to cpu %u: %lu CPUs forgot the old translation, of %u online (shoot_down_tcb)", cpu,
                thread::tcb_slot_flushes() - flushes, smp::online_count());
        ++checked;
    }
    drop_test_thread(tcb);
    t.check(free_kernel_bytes() == total_before, "after the moves and the delete, %llu bytes are free, not %llu",
            (unsigned long long)free_kernel_bytes(), (unsigned long long)total_before);
    t.evidence("moves=%u", checked);
}
