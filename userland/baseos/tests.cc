// tests.cc: the l4.os.* tests (tests.h). Each one runs ostest in some mode and checks
// what the OS saw; ostest's modes are described in userland/apps/ostest/main.cc.
#include "tests.h"

#include "boot_info.h"
#include "frames.h"
#include "l4/ipc.h"
#include "l4/kdebug.h"
#include "l4/message.h"
#include "l4/fuzz_settings.h"
#include "l4/print.h"
#include "l4/run_end.h"
#include "l4/sigma0_client.h"
#include "l4/string.h"
#include "l4/test_runner.h"
#include "pager.h"
#include "task.h"

namespace baseos {

namespace {

constexpr unsigned kWaitLimitMs = 30000;

using l4::tests::fail;

/// Waits until every task has ended; false after kWaitLimitMs.
bool wait_idle() {
    for (unsigned ms = 0; live_tasks() != 0; ms += 5) {
        if (ms >= kWaitLimitMs) return false;
        l4::sleep(l4::milliseconds(5));
    }
    return true;
}

/// Runs `ostest args` to its end and every task it started; its exit record in *record.
bool run_ostest(const char* args, ExitRecord* record) {
    unsigned first = exit_count();
    ThreadId main = spawn_program("ostest", args);
    if (main.is_nil()) return fail("spawn of 'ostest %s' refused (is ostest.elf a module?)", args);
    if (!wait_idle()) return fail("'ostest %s' still runs after %u ms", args, kWaitLimitMs);
    for (unsigned i = first; i < exit_count(); ++i)
        if (exit_record(i, record) && record->main == main) return true;
    return fail("no exit record of 'ostest %s'", args);
}

bool expect_code(const char* args, int code, ExitRecord* record) {
    if (!run_ostest(args, record)) return false;
    if (record->code != code) return fail("'ostest %s' exited with %d, expected %d", args, record->code, code);
    return true;
}

bool load_and_exit() {
    ExitRecord record;
    if (!expect_code("mode=exit code=42", 42, &record)) return false;
    if (record.page_faults < 3 || record.pages < 3)
        return fail("only %u page faults and %u pages for a program that touches code, data and stack",
                    record.page_faults, record.pages);
    if (!expect_code("mode=crash", kKilled, &record)) return false;
    if (frames_held_by_tasks() != 0) return fail("%u frames still held after the tasks ended", frames_held_by_tasks());
    return true;
}

bool threads() { ExitRecord record; return expect_code("mode=threads", 0, &record); }

struct Counts {
    Word free_frames, total_frames, kernel_bytes, mapping_nodes, threads, spaces, page_tables;
};

Counts counts() {
    using l4::kdebug::Statistic;
    return {free_frames(),
            total_frames(),
            l4::kdebug::kernel_statistic(Statistic::FreeKernelBytes),
            l4::kdebug::kernel_statistic(Statistic::MappingNodes),
            l4::kdebug::kernel_statistic(Statistic::Threads),
            l4::kdebug::kernel_statistic(Statistic::Spaces),
            l4::kdebug::kernel_statistic(Statistic::PageTables)};
}

/// The same counts after a run as before it, or a failure that names the difference.
bool counts_back(const Counts& before, const Counts& after) {
    if (frames_held_by_tasks() != 0 || after.free_frames != after.total_frames)
        return fail("%u of %u frames free after the task ended", after.free_frames, after.total_frames);
    if (after.free_frames != before.free_frames || after.total_frames != before.total_frames)
        return fail("frames free/total %u/%u before, %u/%u after", before.free_frames, before.total_frames,
                    after.free_frames, after.total_frames);
    if (after.kernel_bytes != before.kernel_bytes || after.mapping_nodes != before.mapping_nodes ||
        after.threads != before.threads || after.spaces != before.spaces || after.page_tables != before.page_tables)
        return fail("kernel: free bytes %u -> %u, mapping nodes %u -> %u, threads %u -> %u, spaces %u -> %u, "
                    "page tables %u -> %u",
                    before.kernel_bytes, after.kernel_bytes, before.mapping_nodes, after.mapping_nodes, before.threads,
                    after.threads, before.spaces, after.spaces, before.page_tables, after.page_tables);
    return true;
}

bool reclaim() {
    // The first run grows the frame pool and the OS's own page tables to what the
    // program needs; the second must leave everything as it found it.
    const char* args = "mode=memory pages=96";
    ExitRecord record;
    if (!expect_code(args, 0, &record)) return false;
    Counts before = counts();
    if (!expect_code(args, 0, &record)) return false;
    Counts after = counts();
    if (record.pages < 96) return fail("the task held %u pages, expected at least 96", record.pages);
    return counts_back(before, after);
}

bool rpc_malformed() {
    ExitRecord record;
    if (!expect_code("mode=malformed", 0, &record)) return false;
    return expect_code("mode=exit code=7", 7, &record);  // and the OS still serves
}

/// rpc_fuzz: ostest mode=fuzz sends its pager random requests (userland/apps/ostest/
/// fuzz.cc), each of which must get the answer it calls for. fuzz_calls= and
/// fuzz_seed= on the command line say how many and from which seed (make fuzz); the
/// seed is the run's nonce's otherwise. A short run with the same seed first grows the
/// frame pool and the OS's tables (as in reclaim); after the full run every frame is
/// back, so are the kernel's counts, and the OS still runs a task.
bool rpc_fuzz() {
    l4::FuzzSettings fuzz;
    const char* bad = "";
    if (!l4::fuzz_settings(command_line(), 1000, &fuzz, &bad)) return fail("%s= is not a number", bad);
    l4::printf("baseos: rpc fuzz: %u requests, seed %x (replay: fuzz_calls=%u fuzz_seed=0x%x)\n", fuzz.calls,
               fuzz.seed, fuzz.calls, fuzz.seed);
    char args[64];
    ExitRecord record;
    l4::snprintf(args, sizeof args, "mode=fuzz count=%u seed=0x%x", fuzz.calls < 100 ? fuzz.calls : 100, fuzz.seed);
    if (!expect_code(args, 0, &record)) return false;
    Counts before = counts();
    l4::snprintf(args, sizeof args, "mode=fuzz count=%u seed=0x%x", fuzz.calls, fuzz.seed);
    if (!expect_code(args, 0, &record)) return false;
    if (!counts_back(before, counts())) return false;
    return expect_code("mode=exit code=7", 7, &record);
}

bool spawn() {
    unsigned first = exit_count();
    ExitRecord record;
    if (!expect_code("mode=parent", 0, &record)) return false;
    unsigned ended = 0;
    for (unsigned i = first; i < exit_count(); ++i) {
        if (!exit_record(i, &record)) continue;
        ++ended;
        if (record.code != 0) return fail("a task of the spawn test exited with %d", record.code);
    }
    return ended == 2 ? true : fail("%u tasks ended, expected parent and child", ended);
}

/// unmap (os/protocol.h): ostest checks what the task sees; here, that the pages it
/// gave back by unmap are back in the pool once it has ended.
bool unmap() {
    ExitRecord record;
    if (!expect_code("mode=unmap", 0, &record)) return false;
    if (frames_held_by_tasks() != 0 || free_frames() != total_frames())
        return fail("%u of %u frames free after the task ended", free_frames(), total_frames());
    return true;
}

constexpr l4::tests::Test kTests[] = {
    {"l4.os.load_and_exit", load_and_exit}, {"l4.os.threads", threads}, {"l4.os.reclaim", reclaim},
    {"l4.os.rpc_malformed", rpc_malformed}, {"l4.os.rpc_fuzz", rpc_fuzz},
    {"l4.os.spawn", spawn},                 {"l4.os.unmap", unmap},
};

bool all_tasks_ended() { return wait_idle() || fail("tasks still running after the test"); }

}  // namespace

bool tests_requested() { return l4::tests::requested(command_line(), "l4.os."); }

void run_tests() {
    l4::tests::run_tests(command_line(), "l4.os.", kTests, sizeof kTests / sizeof kTests[0], all_tasks_ended, "baseos");
}

}  // namespace baseos
