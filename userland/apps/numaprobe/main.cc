// numaprobe: the program the root pager's Lab 5, 6 and 7 tests run (userland/rootpager/
// sync_tests.cc, unmap_tests.cc, migrate_tests.cc) to see master-pager synchronisation,
// the global unmap and thread migration from inside a task: it makes the page faults,
// unmaps and moves, and the test reads their effect from the kernel
// (numa/probe_protocol.h). probe.h has the machinery, this file Lab 5's modes,
// unmap_modes.cc Lab 6's, migrate_modes.cc Lab 7's.
//
//   numaprobe mode=<m> inspect=<id> [pages=N] [rounds=N]
//
// It starts one thread on every CPU (at most 16), so the task has a space on every
// node. Thread i runs on CPU i. They meet at barriers in .bss, which is global memory:
// one frame in every space of the task, so threads on different nodes see one counter.
// At each inspection point every thread waits while the main thread reports to the
// test thread `inspect` (a thread id, hex) and waits for its answer. Modes:
//
//   first_touch pages=N  thread i writes its own N heap pages; report 1 covers all of
//                        them, thread i's slice being pages [i * N, (i + 1) * N)
//   shared rounds=R pages=K  in round r every thread writes its own word of heap
//                        pages r * K to r * K + K - 1, in that order, all at once (all
//                        fault on the same untouched pages together: the threads wait
//                        for a round busily, not in system calls, so that they leave
//                        the barrier together), then checks it reads every other
//                        thread's words; report 1 at the end; R * K at most 256
//   local pages=N        make_local on N untouched heap pages (and ranges it must
//                        refuse: unaligned, empty, overlapping, touched, not heap or
//                        stack: each accepted one is a failed check); each thread writes
//                        mark | its node into its own word of every page, then checks
//                        that it reads its node's words and none of another node's;
//                        report 1
//   promote              every thread reads the code page probe_code_page (a page of
//                        the text segment, replicated per node); report 1. Thread 0
//                        writes word 0 (the OS promotes the page to global); every
//                        thread checks it reads the new value; report 2
//   unmap, status, read_only, concurrent, hold: the global unmap (unmap_modes.h)
//   migrate, leave, idle: thread migration across nodes (migrate_modes.h)
//
// Without inspect= it reports to nobody and only checks values, for a run by hand. On
// the base OS (one space) mode local fails on a machine with more than one node: its
// pages stay shared, as os/protocol.h says.
// Exit code: a numa::ProbeExit (0: every check passed and the test said go on); when it
// gives up early it says why in one line and in a phase-0 report.
#include "l4/ipc.h"
#include "l4/message.h"
#include "l4/print.h"
#include "l4/string.h"
#include "numa/probe_protocol.h"
#include "os/os.h"
#include "probe.h"
#include "migrate_modes.h"
#include "unmap_modes.h"

// The code page of mode promote: a page of its own in the text segment (user.ld puts
// .text.* there, R-X), filled with kCodePattern.
asm(R"(
    .section .text.probe_code, "ax"
    .balign 4096
    .global probe_code_page
probe_code_page:
    .fill 1024, 4, 0x5A5A5A5A
    .balign 4096
    .previous
)");
extern "C" uint32_t probe_code_page[1024];

namespace numaprobe {

namespace {

constexpr uint32_t kCodePattern = 0x5A5A5A5A;
constexpr uint32_t kPromoted = 0xC0DE0000 | 0x5A5;
constexpr Word kLocalMark = 0x10CA0000;
constexpr Word kSharedMark = 0x5A000000;
constexpr Word kMaxPages = 64;              // per thread (first_touch) or in all (local)
constexpr Word kMaxSharedPages = 256;       // in all, in mode shared
constexpr unsigned kTogetherLooks = 20000;  // mode shared: a barrier's busy looks

void first_touch_thread(unsigned i) {
    for (Word p = i * g_setup.pages; p < (i + 1) * g_setup.pages; ++p) page_words(p)[1] = p + 1;
    for (Word p = i * g_setup.pages; p < (i + 1) * g_setup.pages; ++p)
        if (page_words(p)[1] != p + 1) count_failure();
    (void)checkpoint();
}

void shared_thread(unsigned i) {
    for (Word r = 0; r < g_setup.rounds; ++r) {
        Word first = r * g_setup.pages, end = first + g_setup.pages;
        if (!g_threads.wait(kTogetherLooks)) return;
        for (Word p = first; p < end; ++p) page_words(p)[i] = kSharedMark | p << 8 | i;
        if (!g_threads.wait(kTogetherLooks)) return;
        for (Word p = first; p < end; ++p)
            for (unsigned j = 0; j < g_setup.threads; ++j)
                if (page_words(p)[j] != (kSharedMark | p << 8 | j)) count_failure();
    }
    (void)checkpoint();
}

void local_thread(unsigned i) {
    unsigned node = g_setup.node_of[i];
    for (Word p = 0; p < g_setup.pages; ++p) page_words(p)[i] = kLocalMark | node;
    if (!g_threads.wait()) return;
    // Threads of this node wrote this node's copy; other nodes' threads wrote theirs.
    for (Word p = 0; p < g_setup.pages; ++p)
        for (unsigned j = 0; j < g_setup.threads; ++j)
            if (page_words(p)[j] != (g_setup.node_of[j] == node ? kLocalMark | node : 0)) count_failure();
    (void)checkpoint();
}

void promote_thread(unsigned i) {
    volatile uint32_t* code = probe_code_page;
    for (Word w = 0; w < kWordsPerPage; ++w)
        if (code[w] != kCodePattern) count_failure();
    if (!checkpoint()) return;
    if (i == 0) code[0] = kPromoted;
    if (!g_threads.wait()) return;
    if (code[0] != kPromoted || code[1] != kCodePattern) count_failure();
    (void)checkpoint();
}

/// make_local must refuse what os/protocol.h says it refuses; each range it accepts
/// counts as a failed check. `base`, `pages`: the range it accepted just before.
void check_make_local_refusals(Word base, Word pages) {
    Word after = base + (pages + 1) * os::kPageSize;  // untouched, a page above the range
    page_words(pages + 2)[0] = 1;                     // touched: global now
    const struct {
        Word start, bytes;
    } kRefused[] = {
        {after + 8, os::kPageSize},                            // not page-aligned
        {after, os::kPageSize / 2},                            // not whole pages
        {after, 0},                                            // empty
        {base + os::kPageSize, os::kPageSize},                 // overlaps the range
        {base + (pages + 2) * os::kPageSize, os::kPageSize},   // touched already
        {reinterpret_cast<Word>(&g_setup) & ~(os::kPageSize - 1), os::kPageSize},  // the image
        {os::kUtcbArea, os::kPageSize},                        // neither heap nor stack
    };
    for (const auto& range : kRefused)
        if (os::make_local(range.start, range.bytes)) {
            l4::printf("numaprobe: make_local(%x, %x) was accepted\n", unsigned(range.start), unsigned(range.bytes));
            count_failure();
        }
}

/// Lab 5's modes.
int run_sync_mode(const char* mode) {
    g_setup.pages = number_arg("pages", 4);
    g_setup.rounds = number_arg("rounds", 24);
    if (g_setup.pages == 0 || g_setup.pages > kMaxPages || g_setup.rounds == 0 || g_setup.rounds > kMaxSharedPages)
        return give_up(ProbeExit::BadArguments, "pages= must be 1 to 64, rounds= 1 to 256");

    Word base = g_setup.base, pages = 0;
    if (strcmp(mode, "first_touch") == 0) {
        g_thread_body = first_touch_thread;
        pages = g_setup.pages * g_setup.threads;
    } else if (strcmp(mode, "shared") == 0) {
        g_thread_body = shared_thread;
        pages = g_setup.rounds * g_setup.pages;
        if (pages > kMaxSharedPages)
            return give_up(ProbeExit::BadArguments, "mode shared: rounds= times pages= must be at most 256");
    } else if (strcmp(mode, "local") == 0) {
        g_thread_body = local_thread;
        pages = g_setup.pages;
        if (!os::make_local(base, pages * os::kPageSize))
            return give_up(ProbeExit::MakeLocalRefused, "the OS refused make_local on untouched heap pages");
        check_make_local_refusals(base, pages);
    } else if (strcmp(mode, "promote") == 0) {
        g_thread_body = promote_thread;
        base = reinterpret_cast<Word>(probe_code_page);
        pages = 1;
    } else {
        return give_up(ProbeExit::BadArguments,
                       "mode= must be first_touch, shared, local, promote, unmap, status, read_only, concurrent, hold, "
                       "migrate, leave or idle");
    }
    if (!start_threads()) return give_up(ProbeExit::NoThread, "create_thread refused");
    int stop = inspect(1, base, pages);
    if (stop < 0 && strcmp(mode, "promote") == 0) stop = inspect(2, base, pages);
    return stop >= 0 ? stop : verdict();
}

}  // namespace

}  // namespace numaprobe

int main() {
    using namespace numaprobe;
    char mode[16] = "";
    (void)os::arg_value("mode", mode, sizeof mode);
    g_setup.threads = os::cpu_count() < kMaxThreads ? os::cpu_count() : kMaxThreads;
    for (unsigned i = 0; i < g_setup.threads; ++i) g_setup.node_of[i] = os::node_of_cpu(i);
    g_setup.inspector = ThreadId::from_raw(number_arg("inspect", 0));
    g_setup.base = (os::heap_start() + os::kPageSize - 1) & ~(os::kPageSize - 1);
    if (is_migrate_mode(mode)) return run_migrate_mode(mode);
    return is_unmap_mode(mode) ? run_unmap_mode(mode) : run_sync_mode(mode);
}
