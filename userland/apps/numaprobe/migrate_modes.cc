// migrate_modes.cc: numaprobe's Lab 7 modes (migrate_modes.h draws each).
#include "migrate_modes.h"

#include "l4/ipc.h"
#include "l4/message.h"
#include "l4/print.h"
#include "l4/string.h"
#include "l4/thread.h"
#include "l4/utcb.h"
#include "os/os.h"
#include "probe.h"

namespace numaprobe {

namespace {

constexpr Word kMaxRounds = 10000;
constexpr Word kMaxPages = 64;
constexpr Word kLeaveMark = 0x0D000000;
constexpr unsigned kStackWords = 16;

Word mark(Word base, Word page, unsigned thread) { return base | page << 8 | thread; }

/// The first CPU after `cpu` on another node; on a machine of one node, the next CPU.
unsigned away_cpu(unsigned cpu) {
    unsigned cpus = g_setup.threads;
    for (unsigned k = 1; k < cpus; ++k)
        if (g_setup.node_of[(cpu + k) % cpus] != g_setup.node_of[cpu]) return (cpu + k) % cpus;
    return (cpu + 1) % cpus;
}

/// Moves the calling thread to `cpu` and checks it runs there; false (said, counted) if not.
bool move_self(unsigned cpu, const char* why) {
    if (!os::migrate_thread(l4::my_global_id(), cpu)) {
        l4::printf("numaprobe: thread %x: the move to CPU %u (%s) was refused\n", l4::my_global_id().raw(), cpu, why);
        count_failure();
        return false;
    }
    if (l4::processor_no() != cpu) {
        l4::printf("numaprobe: thread %x: moved to CPU %u (%s), but runs on CPU %u\n", l4::my_global_id().raw(), cpu,
                   why, unsigned(l4::processor_no()));
        count_failure();
    }
    return true;
}

/// A move the OS must refuse; counts a failed check if it accepted it.
void refused(ThreadId thread, unsigned cpu, const char* what) {
    if (!os::migrate_thread(thread, cpu)) return;
    l4::printf("numaprobe: the OS moved %s (%x) to CPU %u\n", what, thread.raw(), cpu);
    count_failure();
}

// ---- migrate ----

unsigned g_node_x;  ///< the last CPU's node: where the main thread runs (migrate), where
                    ///< everybody gathers (both modes)
unsigned g_x_cpus[kMaxThreads];
unsigned g_x_count;

/// Moves back and forth, checking after each move what must have come along.
void migrate_thread(unsigned i) {
    Word handle = 0xA5A50000 | i;
    l4::utcb().user_defined_handle = handle;
    volatile Word* mine = page_words(i);
    volatile Word stack[kStackWords];
    for (unsigned k = 0; k < kStackWords; ++k) stack[k] = k * i;
    Word sum = i;
    for (Word r = 0; r < g_setup.rounds; ++r) {
        unsigned to = r % 2 == 0 ? g_x_cpus[i % g_x_count] : i;
        mine[r % kWordsPerPage] = mark(r << 12, 0, i);
        if (!move_self(to, r % 2 == 0 ? "to node X" : "home")) break;
        if (l4::user_defined_handle() != handle) count_failure();
        if (mine[r % kWordsPerPage] != mark(r << 12, 0, i)) count_failure();
        sum = sum * 31 + r;
        stack[r % kStackWords] = stack[r % kStackWords] + r;
    }
    // What the loop must have computed, computed again without moving.
    Word want = i;
    for (Word r = 0; r < g_setup.rounds; ++r) want = want * 31 + r;
    if (sum != want) count_failure();
    for (unsigned k = 0; k < kStackWords; ++k) {
        Word added = 0;
        for (Word r = k; r < g_setup.rounds; r += kStackWords) added += r;
        if (stack[k] != k * i + added) count_failure();
    }
    (void)move_self(away_cpu(i), "away, to stay");
    page_words(g_setup.threads + i)[0] = 1;  // a new page, touched first there
    (void)checkpoint();
}

int migrate_main() {
    if (!start_threads()) return give_up(ProbeExit::NoThread, "create_thread refused");
    int stop = inspect(1, g_setup.base, 2 * g_setup.threads);
    if (stop >= 0) return stop;
    // After the report (a second task would count in its thread and space counts):
    // refusals of a CPU that does not exist, a thread of no task, another task's thread
    // (and that task checks it may not move ours). A failure shows in the exit code.
    refused(l4::my_global_id(), os::cpu_count(), "this thread to a CPU that does not exist");
    refused(g_setup.inspector, 0, "the test thread, which belongs to no task");
    char args[64];
    l4::snprintf(args, sizeof args, "mode=idle ms=500 other=0x%x", l4::my_global_id().raw());
    ThreadId other = os::spawn("numaprobe", args);
    if (other.is_nil()) return give_up(ProbeExit::NoThread, "spawn of a second numaprobe refused");
    refused(other, 0, "the main thread of another task");
    return -1;
}

// ---- leave ----

void write_marks(unsigned i) {
    if (g_setup.node_of[i] == g_node_x) return;
    for (Word p = 0; p < g_setup.pages; ++p) page_words(p)[i] = mark(kLeaveMark, p, i);
}

void check_marks() {
    for (Word p = 0; p < g_setup.pages; ++p)
        for (unsigned j = 0; j < g_setup.threads; ++j) {
            Word want = g_setup.node_of[j] == g_node_x ? 0 : mark(kLeaveMark, p, j);
            if (page_words(p)[j] != want) count_failure();
        }
}

void leave_thread(unsigned i) {
    write_marks(i);
    if (!checkpoint()) return;  // report 1
    (void)move_self(g_x_cpus[i % g_x_count], "to node X");
    check_marks();
    if (!checkpoint()) return;  // report 2
    (void)move_self(i, "home");
    check_marks();
    (void)checkpoint();  // report 3
}

int leave_main() {
    unsigned home = unsigned(l4::processor_no());
    int stop = inspect(1, g_setup.base, g_setup.pages);
    if (stop >= 0) return stop;
    (void)move_self(g_x_cpus[0], "to node X");
    stop = inspect(2, g_setup.base, g_setup.pages);
    if (stop >= 0) return stop;
    (void)move_self(home, "home");
    return inspect(3, g_setup.base, g_setup.pages);
}

// ---- idle ----

int idle_main() {
    refused(ThreadId::from_raw(number_arg("other", 0)), 0, "the main thread of another task");
    l4::sleep(l4::milliseconds(number_arg("ms", 500)));
    return verdict();
}

}  // namespace

bool is_migrate_mode(const char* mode) {
    return strcmp(mode, "migrate") == 0 || strcmp(mode, "leave") == 0 || strcmp(mode, "idle") == 0;
}

int run_migrate_mode(const char* mode) {
    if (strcmp(mode, "idle") == 0) return idle_main();
    g_setup.rounds = number_arg("rounds", 100);
    g_setup.pages = number_arg("pages", 4);
    if (g_setup.rounds == 0 || g_setup.rounds > kMaxRounds || g_setup.rounds % 2 != 0 || g_setup.pages == 0 ||
        g_setup.pages > kMaxPages)
        return give_up(ProbeExit::BadArguments, "rounds= must be even, 2 to 10000; pages= 1 to 64");
    g_node_x = g_setup.node_of[g_setup.threads - 1];
    for (unsigned cpu = 0; cpu < g_setup.threads; ++cpu)
        if (g_setup.node_of[cpu] == g_node_x) g_x_cpus[g_x_count++] = cpu;
    if (strcmp(mode, "migrate") == 0) {
        g_thread_body = migrate_thread;
        int stop = migrate_main();
        return stop >= 0 ? stop : verdict();
    }
    g_thread_body = leave_thread;
    if (!start_threads()) return give_up(ProbeExit::NoThread, "create_thread refused");
    int stop = leave_main();
    return stop >= 0 ? stop : verdict();
}

}  // namespace numaprobe
