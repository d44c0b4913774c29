// unmap_modes.cc: numaprobe's Lab 6 modes (unmap_modes.h draws each).
#include "unmap_modes.h"

#include "l4/print.h"
#include "l4/string.h"
#include "os/os.h"
#include "probe.h"

namespace numaprobe {

namespace {

constexpr Word kMark = 0x0E000000;
constexpr Word kSecondMark = 0x0F000000;
constexpr Word kMaxRounds = 100000;

Word mark(Word base, Word page, unsigned thread) { return base | page << 8 | thread; }

/// The main thread's unmap of `pages` pages from page `first`; false (a failed check,
/// said) if the OS refused it.
bool unmap_pages(Word first, Word pages, os::UnmapHow how, os::UnmapStatus* status) {
    if (os::unmap(g_setup.base + first * os::kPageSize, pages, how, status)) return true;
    l4::printf("numaprobe: os::unmap(%x, %u, %u) was refused\n", unsigned(g_setup.base + first * os::kPageSize),
               unsigned(pages), unsigned(how));
    count_failure();
    return false;
}

/// Checks bit p of `mask` against `want(p)` for every page; says the first few wrong.
template <typename Want>
void check_mask(const char* what, const Word (&mask)[os::kUnmapMaskWords], Word pages, Want want) {
    unsigned wrong = 0;
    for (Word p = 0; p < pages; ++p) {
        if (os::page_bit(mask, unsigned(p)) == want(p)) continue;
        if (++wrong <= 4)
            l4::printf("numaprobe: page %u (%x) %s %s\n", unsigned(p), unsigned(g_setup.base + p * os::kPageSize),
                       want(p) ? "is not" : "is", what);
        count_failure();
    }
}

void write_all(unsigned i, Word with) {
    for (Word p = 0; p < g_setup.pages; ++p) page_words(p)[i] = mark(with, p, i);
}

void check_all(Word with) {
    for (Word p = 0; p < g_setup.pages; ++p)
        for (unsigned j = 0; j < g_setup.threads; ++j)
            if (page_words(p)[j] != mark(with, p, j)) count_failure();
}

// ---- unmap ----

void unmap_thread(unsigned i) {
    write_all(i, kMark);
    if (!checkpoint() || !checkpoint()) return;  // reports 1 and 2
    for (Word p = 0; p < g_setup.pages; ++p)
        for (Word w = 0; w < kWordsPerPage; ++w)
            if (page_words(p)[w] != 0) count_failure();
    (void)checkpoint();
}

int unmap_main() {
    int stop = inspect(1, g_setup.base, g_setup.pages);
    if (stop >= 0) return stop;
    // The stack the unmap call needs, touched now (an untouched page: nothing to take).
    (void)os::unmap(g_setup.base + g_setup.pages * os::kPageSize, 1, os::UnmapHow::Unmap);
    // The other threads are on their way to the next checkpoint meanwhile, and one that
    // waits long enough to sleep runs code it may not have run on its node yet: a fault,
    // and a page more (a code replica). So the task holds N fewer pages, less at most
    // one per fault served meanwhile.
    os::TaskInfo before = os::task_info();
    os::UnmapStatus status{};
    if (unmap_pages(0, g_setup.pages, os::UnmapHow::Unmap, &status)) {
        auto all = [](Word) { return true; };
        check_mask("held", status.held, g_setup.pages, all);
        check_mask("referenced", status.referenced, g_setup.pages, all);
        check_mask("dirty", status.dirty, g_setup.pages, all);
        os::TaskInfo after = os::task_info();
        Word fewer = before.pages - after.pages;
        Word faults = after.page_faults - before.page_faults;
        if (fewer > g_setup.pages || fewer + faults < g_setup.pages) {
            l4::printf("numaprobe: the task held %u pages before the unmap of %u, %u after (%u faults meanwhile)\n",
                       unsigned(before.pages), unsigned(g_setup.pages), unsigned(after.pages), unsigned(faults));
            count_failure();
        }
    }
    stop = inspect(2, g_setup.base, g_setup.pages);
    return stop >= 0 ? stop : inspect(3, g_setup.base, g_setup.pages);
}

// ---- status ----

unsigned kind(Word page) { return unsigned(page % 3); }
unsigned toucher(Word page) { return unsigned(page / 3 % g_setup.threads); }

void status_thread(unsigned i) {
    for (Word p = 0; p < g_setup.pages; ++p) {
        if (toucher(p) != i) continue;
        if (kind(p) == 1 && page_words(p)[i] != 0) count_failure();
        if (kind(p) == 2) page_words(p)[i] = mark(kMark, p, i);
    }
    if (!g_threads.wait()) return;
    for (Word p = 0; p < g_setup.pages; ++p)
        if (kind(p) == 2 && (toucher(p) + 1) % g_setup.threads == i && page_words(p)[toucher(p)] != mark(kMark, p, toucher(p)))
            count_failure();
    if (!checkpoint()) return;  // report 1
    (void)checkpoint();
}

int status_main() {
    int stop = inspect(1, g_setup.base, g_setup.pages);
    if (stop >= 0) return stop;
    os::UnmapStatus status{};
    if (unmap_pages(0, g_setup.pages, os::UnmapHow::Unmap, &status)) {
        auto touched = [](Word p) { return kind(p) != 0; };
        check_mask("held", status.held, g_setup.pages, touched);
        check_mask("referenced", status.referenced, g_setup.pages, touched);
        check_mask("dirty", status.dirty, g_setup.pages, [](Word p) { return kind(p) == 2; });
    }
    return inspect(2, g_setup.base, g_setup.pages);
}

// ---- read_only ----

void read_only_thread(unsigned i) {
    write_all(i, kMark);
    if (!checkpoint() || !checkpoint()) return;  // reports 1 and 2
    for (unsigned turn = 0; turn < g_setup.threads; ++turn) {
        if (turn == i) write_all(i, kSecondMark);
        if (!g_threads.wait()) return;
    }
    check_all(kSecondMark);
    (void)checkpoint();
}

int read_only_main() {
    int stop = inspect(1, g_setup.base, g_setup.pages);
    if (stop >= 0) return stop;
    os::UnmapStatus status{};
    if (unmap_pages(0, g_setup.pages, os::UnmapHow::ReadOnly, &status)) {
        auto all = [](Word) { return true; };
        check_mask("held", status.held, g_setup.pages, all);
        check_mask("dirty", status.dirty, g_setup.pages, all);
    }
    stop = inspect(2, g_setup.base, g_setup.pages);
    return stop >= 0 ? stop : inspect(3, g_setup.base, g_setup.pages);
}

// ---- concurrent ----

/// The two threads that unmap: the first and the last (on different nodes where the
/// machine has more than one); -1 for the others.
int unmapper(unsigned i) {
    if (i == 0) return 0;
    return i == g_setup.threads - 1 ? 1 : -1;
}

void concurrent_thread(unsigned i) {
    int u = unmapper(i);
    Word first = u < 0 ? 0 : Word(u) * (g_setup.pages / 2);
    Word start = g_setup.base + first * os::kPageSize;
    if (u >= 0)
        l4::printf("numaprobe: thread %u unmaps pages %u to %u, %u times\n", i, unsigned(first),
                   unsigned(first + g_setup.pages - 1), unsigned(g_setup.rounds));
    if (!g_threads.wait()) return;
    for (Word r = 0; r < g_setup.rounds && u >= 0; ++r) {
        for (Word p = first; p < first + g_setup.pages; ++p) page_words(p)[i] = mark(kMark, p, i);
        if (!os::unmap(start, g_setup.pages, os::UnmapHow::Unmap)) {
            l4::printf("numaprobe: thread %u: unmap %u was refused\n", i, unsigned(r));
            count_failure();
            break;
        }
        if ((r + 1) % 100 == 0) l4::printf("numaprobe: thread %u: %u unmaps done\n", i, unsigned(r + 1));
    }
    (void)checkpoint();
}

int concurrent_main() { return inspect(1, g_setup.base, g_setup.pages / 2 + g_setup.pages); }

// ---- hold ----

void hold_thread(unsigned i) {
    write_all(i, kMark);
    if (!checkpoint()) return;  // report 1
    check_all(kMark);
    (void)checkpoint();
}

int hold_main() {
    int stop = inspect(1, g_setup.base, g_setup.pages);
    return stop >= 0 ? stop : inspect(2, g_setup.base, g_setup.pages);
}

struct Mode {
    const char* name;
    void (*thread)(unsigned);
    int (*main)();
    Word default_pages;
};
constexpr Mode kModes[] = {
    {"unmap", unmap_thread, unmap_main, 70},        {"status", status_thread, status_main, 100},
    {"read_only", read_only_thread, read_only_main, 4}, {"concurrent", concurrent_thread, concurrent_main, 4},
    {"hold", hold_thread, hold_main, 2},
};

const Mode* find(const char* name) {
    for (const Mode& mode : kModes)
        if (strcmp(mode.name, name) == 0) return &mode;
    return nullptr;
}

}  // namespace

bool is_unmap_mode(const char* mode) { return find(mode) != nullptr; }

int run_unmap_mode(const char* name) {
    const Mode& mode = *find(name);
    g_setup.pages = number_arg("pages", mode.default_pages);
    g_setup.rounds = number_arg("rounds", 1000);
    if (g_setup.pages == 0 || g_setup.pages > os::kMaxUnmapPages || g_setup.rounds == 0 || g_setup.rounds > kMaxRounds)
        return give_up(ProbeExit::BadArguments, "pages= must be 1 to 128, rounds= 1 to 100000");
    g_thread_body = mode.thread;
    if (!start_threads()) return give_up(ProbeExit::NoThread, "create_thread refused");
    int stop = mode.main();
    return stop >= 0 ? stop : verdict();
}

}  // namespace numaprobe
