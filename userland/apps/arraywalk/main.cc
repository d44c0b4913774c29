// main.cc: arraywalk, the thesis's memory-intensive sample application (5.4.1).
//
// Two threads, one per node (one per CPU when the machine has one node; both on the
// one CPU of a uniprocessor), each walk their own array in 4-byte steps, the arrays
// overlapping by a given fraction (walk.h draws the layout and the checks). The task's
// memory is untouched before the walk, so the first iteration takes the page faults
// and later ones none: the thesis varied the overlap (0 to 1) and the iterations (1, 4,
// up to 10) to weigh the faults against the walking. Arguments (os::args()):
//   overlap=F   the shared fraction of each array, 0 to 1, up to 3 decimals (default 0)
//   iter=N      iterations over the array (default 1)
//   mb=M        each array's size in MiB (default 8, at most 240 while memory lasts).
//               The thesis walked 50 MB arrays on a machine with 2 GB per node; 8 MiB
//               is about the same share of a 2x2 node (256 MiB) and fits two arrays in
//               uma's 128 MiB. The arrays lie in the heap (os/layout.h).
//   local=1     each thread's own part of its array (all but the shared part) is made
//               node-local with os::make_local before the walk (thesis 4.2.1, Figure
//               5.13): on the NUMA OS its pages fault in without the master pager's
//               lock or table; the shared part stays global. Default 0: all global.
//
// Output, for scripts/bench/run.py (faults come from os::task_info, which counts the
// whole task's: a thread's are those the task took while it walked, the other thread's
// included; the total's are those of the whole run):
//   ARRAYWALK config overlap=F iter=N mb=M shared_kb=K local=L cpus=A,B nodes=X,Y
//   ARRAYWALK overlap=F iter=N thread=T cpu=C node=X cycles=... faults=... ok=1
//   ARRAYWALK overlap=F iter=N thread=total cycles=... faults=... pages=... ok=1
//   ARRAYWALK error thread=T iteration=I index=W got=0x... expected=0x...
// cycles are the time-stamp counter: a thread's own on its CPU; the total is the main
// thread's from starting both walkers until both have finished (the thesis's "time until
// both threads completed"). The exit code is 0 if every word read was right, 1 if not,
// 2 for bad arguments or a thread that could not be started.
#include "l4/ipc.h"
#include "l4/message.h"
#include "l4/print.h"
#include "l4/utcb.h"
#include "os/eval_phases.h"
#include "os/os.h"
#include "walk.h"

namespace arraywalk {

namespace {

using api::ThreadId;

using os::kPageSize;
/// Two arrays of this size fit below os::kHeapEnd with the program's image.
constexpr Word kMaxMb = 240;
constexpr Word kDefaultMb = 8;
constexpr uint16_t kGoLabel = 0xA10;
constexpr uint16_t kDoneLabel = 0xA11;

ThreadId g_main_thread;

struct Options {
    Word overlap_permille = 0;
    Word iterations = 1;
    Word mb = kDefaultMb;
    bool local = false;
};

bool at_end(const char* p) { return *p == '\0' || *p == ' '; }

/// A decimal number; false if `text` is none.
bool parse_number(const char* text, Word* value) {
    *value = 0;
    const char* p = text;
    for (; *p >= '0' && *p <= '9'; ++p) *value = *value * 10 + static_cast<Word>(*p - '0');
    return p != text && at_end(p);
}

/// A fraction from 0 to 1 with up to three decimals ("0", "0.25", ".5", "1.0") in
/// thousandths; false if `text` is none.
bool parse_fraction(const char* text, Word* permille) {
    const char* p = text;
    Word whole = 0;
    for (; *p >= '0' && *p <= '9'; ++p) whole = whole * 10 + static_cast<Word>(*p - '0');
    bool digits = p != text;
    Word thousandths = 0, scale = 100;
    if (*p == '.') {
        for (++p; *p >= '0' && *p <= '9'; ++p, scale /= 10) {
            if (scale == 0) return false;
            thousandths += scale * static_cast<Word>(*p - '0');
            digits = true;
        }
    }
    *permille = whole * 1000 + thousandths;
    return digits && at_end(p) && *permille <= 1000;
}

/// Thousandths as the shortest decimal: 0, 0.5, 0.25, 1.
const char* format_fraction(Word permille, char (&text)[8]) {
    if (permille % 1000 == 0) {
        l4::snprintf(text, sizeof text, "%u", permille / 1000);
        return text;
    }
    l4::snprintf(text, sizeof text, "0.%03u", permille % 1000);
    for (unsigned end = 4; text[end] == '0'; --end) text[end] = '\0';
    return text;
}

/// The arguments; false if one is malformed or out of range.
bool parse_options(Options* o) {
    char text[16];
    if (os::arg_value("overlap", text, sizeof text) && !parse_fraction(text, &o->overlap_permille)) return false;
    if (os::arg_value("iter", text, sizeof text) && (!parse_number(text, &o->iterations) || o->iterations == 0))
        return false;
    if (os::arg_value("local", text, sizeof text)) {
        Word local;
        if (!parse_number(text, &local) || local > 1) return false;
        o->local = local == 1;
    }
    return !os::arg_value("mb", text, sizeof text) || (parse_number(text, &o->mb) && o->mb >= 1 && o->mb <= kMaxMb);
}

/// The two walkers' CPUs: the first CPUs of two nodes, else two CPUs, else CPU 0 twice.
void pick_cpus(unsigned cpus[2]) {
    cpus[0] = 0;
    cpus[1] = os::cpu_count() > 1 ? 1 : 0;
    for (unsigned cpu = 1; cpu < os::cpu_count(); ++cpu) {
        if (os::node_of_cpu(cpu) != os::node_of_cpu(0)) {
            cpus[1] = cpu;
            return;
        }
    }
}

/// A walker thread: waits for the main thread's go, walks, reports done (then sleeps,
/// os.h, until the task exits).
void walker_thread(Word arg) {
    Walker& w = *reinterpret_cast<Walker*>(arg);
    (void)l4::receive(g_main_thread);
    Word faults = os::task_info().page_faults;
    walk(w);
    w.faults = os::task_info().page_faults - faults;
    l4::load_empty(kDoneLabel);
    (void)l4::send(g_main_thread);
}

}  // namespace

int run() {
    Options o;
    if (!parse_options(&o)) {
        l4::printf("ARRAYWALK error reason=bad_arguments args=\"%s\" (overlap=0..1 iter=N>=1 mb=1..%u)\n", os::args(),
                   kMaxMb);
        return 2;
    }
    char overlap[8];
    format_fraction(o.overlap_permille, overlap);
    const Word size = o.mb * 1024 * 1024;
    // Whole pages (in pages, so that the product fits 32 bits): overlap=1 shares all.
    const Word shared = size / kPageSize * o.overlap_permille / 1000 * kPageSize;
    unsigned cpus[2];
    pick_cpus(cpus);
    l4::printf("ARRAYWALK config overlap=%s iter=%u mb=%u shared_kb=%u local=%d cpus=%u,%u nodes=%u,%u\n", overlap,
               o.iterations, o.mb, shared / 1024, o.local ? 1 : 0, cpus[0], cpus[1], os::node_of_cpu(cpus[0]),
               os::node_of_cpu(cpus[1]));

    g_main_thread = l4::my_global_id();
    // The region starts at the heap, which the OS pages in zero-filled at first touch.
    auto* region = reinterpret_cast<volatile uint32_t*>((os::heap_start() + kPageSize - 1) / kPageSize * kPageSize);
    const Word words = size / sizeof(uint32_t);
    Walker walkers[2] = {
        {region, 0, words, true, o.iterations},
        {region, (size - shared) / sizeof(uint32_t), words, false, o.iterations},
    };
    // Each thread's own part: thread 0's below the shared part, thread 1's above it.
    if (o.local && size != shared) {
        Word own = size - shared;
        Word bottom = reinterpret_cast<Word>(region);
        if (!os::make_local(bottom, own) || !os::make_local(bottom + size, own)) {
            l4::printf("ARRAYWALK error reason=make_local_refused\n");
            return 2;
        }
    }
    ThreadId threads[2];
    for (unsigned t = 0; t < 2; ++t) {
        threads[t] = os::create_thread(cpus[t], walker_thread, reinterpret_cast<Word>(&walkers[t]));
        if (threads[t].is_nil()) {
            l4::printf("ARRAYWALK error thread=%u reason=create_thread_on_cpu_%u_failed\n", t, cpus[t]);
            return 2;
        }
    }

    os::TaskInfo before = os::task_info();
    // numaprof phase (os/eval_phases.h): from the first go until both walkers are done.
    numaprof_begin(os::eval::kArraywalkPhase);
    l4::load_empty(kGoLabel);
    (void)l4::send(threads[0]);
    uint64_t start = rdtsc();
    l4::load_empty(kGoLabel);
    (void)l4::send(threads[1]);
    (void)l4::receive(threads[0]);
    (void)l4::receive(threads[1]);
    uint64_t total = rdtsc() - start;
    numaprof_end(os::eval::kArraywalkPhase);
    os::TaskInfo after = os::task_info();

    bool ok = true;
    for (unsigned t = 0; t < 2; ++t) {
        const Walker& w = walkers[t];
        if (!w.ok) {
            l4::printf("ARRAYWALK error thread=%u iteration=%u index=%u got=0x%x expected=0x%x\n", t, w.bad_iteration,
                       w.bad_index, w.bad_value, pattern(w.bad_index));
        }
        ok = ok && w.ok;
        l4::printf("ARRAYWALK overlap=%s iter=%u thread=%u cpu=%u node=%u cycles=%llu faults=%u ok=%d\n", overlap,
                   o.iterations, t, cpus[t], os::node_of_cpu(cpus[t]), w.cycles,
                   w.faults, w.ok ? 1 : 0);
    }
    l4::printf("ARRAYWALK overlap=%s iter=%u thread=total cycles=%llu faults=%u pages=%u ok=%d\n", overlap,
               o.iterations, total, after.page_faults - before.page_faults, after.pages, ok ? 1 : 0);
    return ok ? 0 : 1;
}

}  // namespace arraywalk

int main() { return arraywalk::run(); }
