// io_tests.cc: IO-port rights follow the address space, however the CPU switches.
//
// Registration (test_list.cc and tests/core/l4tests.list):
//   void test_io_ports(TestContext&);
//   {"l4.io.port_rights", test_io_ports},
// and the line `l4.io.port_rights` in tests/core/l4tests.list.
//
// Each CPU keeps one space's IO bitmap in its TSS and only turns it off when a space
// without ports runs (kernel/arch/ia32/user_context.cc, set_user_context); it copies a
// bitmap only when another one (or a changed one: Space::io_generation) is needed. The
// two ways that can go wrong, and what this test sees then:
//   - a space without ports runs with the last space's bitmap still on: N's `in` of
//     port 0x80 passes instead of faulting (fewer refusals than N's probes);
//   - a space that holds the loaded bitmap is entered again and it stays off: P's `in`
//     of a port it was given faults again (`lost` faults).
//
// Both were checked: with either change made to set_user_context, this test fails; so
// it does with the IPC fast path's own IO steps broken (ipc_fast.S, step 10: the bitmap
// left on, left off, or another space's not copied).
//
// The set-up (IO fpages: kernel/api/fpage.h; the IO-fault IPC: kernel/ipc/faults.cc):
//   1. the root task asks sigma0 for ports 0x80..0x87 (sigma0 owns every port);
//   2. space P and space N each run one thread, started by pager.h's pager, that makes
//      this file's IO pager (a root-task thread) its pager in its UTCB. The IO pager
//      mirrors the root task's pages as pager.h's does, and answers an IO fault
//      (label -8 << 4, MR1 the IO fpage of the port, MR2 the IP of the `in`):
//        P on 0x80 or 0x84, first time   a map item of that one port from the root task
//        anything else                   nothing mapped: it moves the thread's IP past
//                                        the `in` (ExchangeRegisters), then replies
//      and counts each kind per space;
//   3. N calls P kRounds times; every kProbeEvery-th round N tries `in 0x80`, P tries
//      `in 0x81` (never given), and P reads 0x80 and 0x84 every round. Both wait for
//      ever and P answers each call with the Ipc that also waits for the next, so
//      that on one CPU the IPC fast path (kernel/arch/ia32/syscall/ipc_fast.S), which
//      turns the bitmap on and off itself, does the switches: when it is on, the
//      phase on one CPU checks that it took at least half of them both ways;
//   4. with two CPUs or more, the same again with P and N on different CPUs, both ways
//      round, so that each CPU holds a bitmap left from the phase before;
//   5. the spaces go, the root task gives its ports back, and the kernel's counts
//      (threads, spaces, mapping nodes, page tables, free kernel memory) are as before.
// Reading port 0x80 (POST codes), 0x81 or 0x84 (DMA page registers) changes nothing.
#include "agent.h"
#include "api/fpage.h"
#include "api/map_item.h"
#include "api/msg_tag.h"
#include "l4/ipc.h"
#include "l4/kdebug.h"
#include "l4/kip.h"
#include "l4/message.h"
#include "l4/print.h"
#include "l4/sigma0_client.h"
#include "l4/space.h"
#include "l4/thread.h"
#include "l4/utcb.h"
#include "layout.h"
#include "kernel_counts.h"
#include "test_case.h"
#include "test_space.h"
#include "threads.h"

namespace l4test {

namespace {

using api::Fpage;
using api::IoFpage;
using api::MsgTag;
using api::Time;
using api::Timeouts;
using l4::kdebug::Statistic;
using l4::mr;

constexpr Word kRounds = 1000;
constexpr Word kProbeEvery = 10;
constexpr uint16_t kGo = 0x10A, kDone = 0x10D;
constexpr IoFpage kRootPorts = IoFpage::make(0x80, 3);  // 0x80..0x87

// What the IO pager saw from one space; written by the pager, read by the main thread.
struct PortLog {
    volatile unsigned mapped;   // IO faults answered with a port
    volatile unsigned refused;  // IO faults on a port the space may not have: skipped
    volatile unsigned lost;     // IO faults on a port it had been given: skipped
    volatile Word given;        // ports mapped so far (bit port - 0x80)
};

PortLog g_log[2];  // [0] space P, [1] space N
volatile unsigned g_strange;  // messages the IO pager did not expect (not answered)
ThreadId g_io_pager, g_p, g_n;

template <uint8_t Port>
void in_port() {
    uint8_t value;
    asm volatile("inb %1, %0" : "=a"(value) : "i"(Port));  // E4 imm8: two bytes
}

/// Moves `thread`, stopped at an IN at `ip`, past it and loads the empty reply.
bool skip_in(ThreadId thread, Word ip) {
    if (!in_text(ip)) return false;
    uint8_t op = *reinterpret_cast<const uint8_t*>(ip);  // the code is the root task's
    Word length = (op & 0xFE) == 0xE4 ? 2 : (op & 0xFE) == 0xEC ? 1 : 0;
    if (length == 0) return false;
    l4::ThreadRegisters regs;
    regs.control = l4::exreg::kSetIp;
    regs.ip = ip + length;
    if (l4::exchange_registers(thread, regs).is_nil()) return false;
    l4::load_empty(0);
    return true;
}

/// Loads the answer to a fault; false if it should not be answered.
bool answer_fault(ThreadId from, MsgTag tag) {
    if (api::is_fault_label(tag.label(), api::kLabelPageFault)) {
        Word page = mr(1) & ~(kPageSize - 1);
        l4::load_with_item(0, 0, api::MapItem::map(Fpage::memory(page, 12, api::Rights::Full), page));
        return true;
    }
    int who = from == g_p ? 0 : from == g_n ? 1 : -1;
    api::Result<IoFpage> io = IoFpage::try_from(Fpage::from_raw(mr(1)));
    if (!api::is_fault_label(tag.label(), api::kLabelIoFault) || who < 0 || !io.ok()) return false;
    Word port = io.value().port();
    PortLog& log = g_log[who];
    bool allowed = who == 0 && (port == 0x80 || port == 0x84);
    Word bit = allowed ? Word{1} << (port - 0x80) : 0;
    if (allowed && (log.given & bit) == 0) {
        log.given = log.given | bit;
        log.mapped = log.mapped + 1;
        l4::load_with_item(0, 0, api::MapItem::map(IoFpage::make(uint16_t(port), 0).fpage(), 0));
        return true;
    }
    if (allowed)
        log.lost = log.lost + 1;
    else
        log.refused = log.refused + 1;
    return skip_in(from, mr(2));
}

void io_pager(Word) {
    ThreadId from = ThreadId::nil();
    MsgTag tag = l4::receive(ThreadId::any(), &from);
    for (;;) {
        bool answer = !l4::ipc_failed(tag) && answer_fault(from, tag);
        if (!l4::ipc_failed(tag) && !answer) {
            g_strange = g_strange + 1;
            l4::printf("io pager: label %x MR1 %x MR2 %x from %x not answered\n", tag.label(), mr(1), mr(2),
                       from.raw());
        }
        tag = answer ? l4::reply_wait(from, &from) : l4::receive(ThreadId::any(), &from);
    }
}

/// Space P's thread, each phase: probes, then answers N kRounds times; reports its
/// 0x81 probes, whether every IPC went through, and its CPU.
void p_main(Word controller) {
    ThreadId main = ThreadId::from_raw(controller);
    l4::set_pager(g_io_pager);
    for (;;) {
        if (l4::ipc_failed(l4::receive(main))) continue;
        Word rounds = mr(1);
        ThreadId n = ThreadId::from_raw(mr(2));
        in_port<0x80>();
        in_port<0x84>();
        in_port<0x81>();
        Word probes = 1;
        Word ok = !l4::ipc_failed(l4::receive(n));
        for (Word i = 0; i < rounds && ok; ++i) {
            in_port<0x80>();
            in_port<0x84>();
            if (i % kProbeEvery == kProbeEvery / 2) {
                in_port<0x81>();
                ++probes;
            }
            l4::load_empty(0);
            // The answer; but for the last, in the Ipc that waits for N's next call.
            Timeouts never = Timeouts::make(Time::never(), Time::never());
            ok = !l4::ipc_failed(i + 1 < rounds ? l4::ipc(n, n, never, nullptr) : l4::send(n));
        }
        l4::load_words(kDone, {probes, ok, l4::processor_no()});
        (void)l4::send(main);
    }
}

/// Space N's thread, each phase: calls P kRounds times, trying port 0x80 every
/// kProbeEvery-th round; reports as P does.
void n_main(Word controller) {
    ThreadId main = ThreadId::from_raw(controller);
    l4::set_pager(g_io_pager);
    for (;;) {
        if (l4::ipc_failed(l4::receive(main))) continue;
        Word rounds = mr(1);
        ThreadId p = ThreadId::from_raw(mr(2));
        Word probes = 0, ok = 1;
        for (Word i = 0; i < rounds && ok; ++i) {
            if (i % kProbeEvery == 0) {
                in_port<0x80>();
                ++probes;
            }
            l4::load_empty(0);
            ok = !l4::ipc_failed(l4::call(p));
        }
        l4::load_words(kDone, {probes, ok, l4::processor_no()});
        (void)l4::send(main);
    }
}

/// One phase with P on `p_cpu` and N on `n_cpu`; adds the probes each made.
void run_phase(TestContext& t, Word p_cpu, Word n_cpu, Word probes[2]) {
    CHECK(t, l4::set_processor(g_p, p_cpu) != 0 && l4::set_processor(g_n, n_cpu) != 0,
          "Schedule of P to CPU %u or N to CPU %u failed, ErrorCode %u", p_cpu, n_cpu, l4::error_code());
    ThreadId threads[2] = {g_p, g_n}, partners[2] = {g_n, g_p};
    Word cpus[2] = {p_cpu, n_cpu};
    Word fast_before[2] = {l4::kdebug::fast_ipcs(g_p.number()), l4::kdebug::fast_ipcs(g_n.number())};
    for (unsigned i = 0; i < 2; ++i) {
        l4::load_words(kGo, {kRounds, partners[i].raw()});
        CHECK(t, !l4::ipc_failed(l4::send(threads[i], l4::milliseconds(5000))), "space %c does not take its go",
              "PN"[i]);
    }
    for (unsigned i = 0; i < 2; ++i) {
        MsgTag done = l4::receive(threads[i], nullptr, l4::milliseconds(30000));
        CHECK(t, !l4::ipc_failed(done) && done.label() == kDone, "space %c did not finish (P on CPU %u, N on %u)",
              "PN"[i], p_cpu, n_cpu);
        CHECK(t, mr(2) == 1, "an IPC between P and N failed (P on CPU %u, N on %u)", p_cpu, n_cpu);
        CHECK(t, mr(3) == cpus[i], "space %c ran on CPU %u, not %u", "PN"[i], mr(3), cpus[i]);
        probes[i] += mr(1);
    }
    const PortLog &p = g_log[0], &n = g_log[1];
    CHECK(t, g_strange == 0, "the IO pager got %u messages it did not expect", g_strange);
    CHECK(t, n.mapped == 0 && n.lost == 0, "N was given a port");
    CHECK(t, n.refused == probes[1],
          "%u of N's %u reads of port 0x80 faulted (P on CPU %u, N on %u): N ran with P's or the root's bitmap",
          n.refused, probes[1], p_cpu, n_cpu);
    CHECK(t, p.refused == probes[0], "%u of P's %u reads of port 0x81 faulted (P on CPU %u, N on %u)", p.refused,
          probes[0], p_cpu, n_cpu);
    CHECK(t, p.mapped == 2 && p.given == 0x11,
          "P was given ports %x (bit n: 0x80 + n) in %u IO faults, expected 0x80 and 0x84 once", p.given, p.mapped);
    CHECK(t, p.lost == 0, "P faulted %u times on ports it holds (P on CPU %u, N on %u): its bitmap was off", p.lost,
          p_cpu, n_cpu);
    if (p_cpu == n_cpu && l4::kdebug::kernel_statistic(Statistic::FastPathOn) == 1) {
        for (unsigned i = 0; i < 2; ++i) {
            Word fast = l4::kdebug::fast_ipcs(threads[i].number()) - fast_before[i];
            CHECK(t, fast >= kRounds / 2, "only %u of space %c's %u IPCs to the other went through the fast path",
                  fast, "PN"[i], kRounds);
            t.note("l4.io.port_rights: on one CPU, %u of space %c's IPCs went through the fast path", fast, "PN"[i]);
        }
    }
}

void port_rights(TestContext& t) {
    for (PortLog& log : g_log) log = {};
    g_strange = 0;
    LocalThread pager;
    CHECK(t, pager.start(io_pager, 0), "start the IO pager: %s", pager.error());
    g_io_pager = pager.id();
    TestSpace p, n;
    CHECK(t, p.create(p_main, main_thread().raw()), "create space P: %s", p.error());
    CHECK(t, n.create(n_main, main_thread().raw()), "create space N: %s", n.error());
    g_p = p.id();
    g_n = n.id();
    Word here = l4::processor_no(), cpus = l4::processor_count(), probes[2] = {0, 0};
    run_phase(t, here, here, probes);
    if (!t.failed() && cpus > 1) {
        Word other = (here + 1) % cpus;
        run_phase(t, other, here, probes);
        if (!t.failed()) run_phase(t, here, other, probes);
    }
    t.note("l4.io.port_rights: %u CPUs; IO faults: P %u mapped, %u refused of %u probes of 0x81, %u lost; "
           "N %u refused of %u probes of 0x80",
           cpus, g_log[0].mapped, g_log[0].refused, probes[0], g_log[0].lost, g_log[1].refused, probes[1]);
}

}  // namespace

void test_io_ports(TestContext& t) {
    Fpage got = l4::sigma0::request_io(kRootPorts);
    CHECK(t, got == kRootPorts.fpage(), "sigma0 answered the request for ports 0x80..0x87 with fpage %x",
          got.raw());
    {
        TestSpace warm_up;  // so that what the first test space makes once exists before counting
        CHECK(t, warm_up.create(agent_main, main_thread().raw()), "create space: %s", warm_up.error());
    }
    KernelCounts before = kernel_counts();
    port_rights(t);
    g_p = g_n = g_io_pager = ThreadId::nil();
    (void)l4::unmap_fpage(kRootPorts.fpage(), true);  // the root task held none of them before
    if (t.failed()) return;
    (void)counts_back(t, before, kernel_counts());
}

}  // namespace l4test
