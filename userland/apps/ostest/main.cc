// ostest: the program the base OS's own tests run (userland/baseos/tests.cc). Its
// argument `mode=` says what to do; the exit code says how it went (0 = as expected,
// other small numbers name the step that failed, printed with the reason):
//   mode=exit code=N   touch data, bss, heap and stack, then exit with N
//   mode=crash         read address 0: the OS must kill the task
//   mode=threads       a thread on every CPU reports its CPU; each is moved to the
//                      next CPU and reports again; the main thread moves itself
//   mode=memory pages=N  N heap pages, plus a thread on every CPU touching 8 more
//   mode=malformed     raw requests the OS must answer with the RPC error reply
//   mode=parent        spawns `ostest mode=child parent=<id>` and answers its message
//   mode=child         sends its parent a number and checks the answer
//   mode=unmap         the OS's unmap on heap and stack pages (unmap.cc)
//   mode=fuzz count=N seed=S  N random requests to the pager, each answered as it
//                      must be (fuzz.cc)
#include "l4/options.h"
#include "l4/ipc.h"
#include "l4/kdebug.h"
#include "l4/message.h"
#include "l4/print.h"
#include "l4/rpc.h"
#include "l4/string.h"
#include "l4/system.h"
#include "l4/utcb.h"
#include "os/os.h"
#include "ostest.h"

namespace ostest {

int failed(int step, const char* why) {
    l4::printf("ostest: step %d failed: %s\n", step, why);
    return step;
}

}  // namespace ostest

namespace {

using api::MsgTag;
using ostest::failed;
using api::Word;

constexpr unsigned kMaxCpus = 16;
constexpr uint16_t kHelloLabel = 0x0C01;

volatile Word g_data = 5;  // .data
Word g_bss[2048];          // .bss, two pages

Word number_arg(const char* key, Word fallback) {
    char text[16];
    if (!os::arg_value(key, text, sizeof text)) return fallback;
    Word value = 0;
    return l4::parse_number(text, &value) ? value : fallback;
}

void touch_pages(Word base, unsigned pages) {
    for (unsigned i = 0; i < pages; ++i) reinterpret_cast<volatile Word*>(base + i * os::kPageSize)[1] = i;
}

int mode_exit() {
    volatile Word on_stack[1024 + 16];
    on_stack[0] = g_data;
    g_bss[0] = on_stack[0];
    g_bss[1500] = 1;
    touch_pages(os::heap_start(), 2);
    os::TaskInfo info = os::task_info();
    if (info.page_faults == 0 || info.pages == 0) return failed(1, "task_info shows no faults or pages");
    return static_cast<int>(number_arg("code", 0));
}

// threads: g_cpu[i] = where worker i last said it was; g_round = what to report.
volatile Word g_cpu[kMaxCpus];
volatile Word g_reports[kMaxCpus];
volatile Word g_round;

void reporter(Word index) {
    g_cpu[index] = l4::processor_no();
    g_reports[index] = 1;
    while (g_round < 2) l4::sleep(l4::milliseconds(1));
    g_cpu[index] = l4::processor_no();
    g_reports[index] = 2;
}

/// Waits for every worker's report `value`, up to a minute by the system clock (a
/// sleep of 1 ms lasts a timer tick, 10 ms, so counting sleeps would not measure time).
/// Those that did not report are named, each with the kernel's view of it
/// (l4::kdebug::describe_thread): a failure that comes once in many runs must say
/// where the thread was.
bool wait_reports(const os::ThreadId* ids, unsigned count, Word value) {
    constexpr uint64_t kLimitUs = 60'000'000;
    for (uint64_t start = l4::system_clock(); l4::system_clock() - start < kLimitUs;) {
        bool all = true;
        for (unsigned i = 0; i < count; ++i) all = all && g_reports[i] >= value;
        if (all) return true;
        l4::sleep(l4::milliseconds(1));
    }
    for (unsigned i = 0; i < count; ++i) {
        if (g_reports[i] >= value) continue;
        l4::printf("ostest: thread %u (%x) has not made report %u; it last said CPU %u\n", i, ids[i].raw(),
                   unsigned(value), unsigned(g_cpu[i]));
        (void)l4::kdebug::describe_thread(unsigned(ids[i].number()));
    }
    return false;
}

int mode_threads() {
    unsigned cpus = os::cpu_count() < kMaxCpus ? os::cpu_count() : kMaxCpus;
    os::ThreadId ids[kMaxCpus];
    for (unsigned i = 0; i < cpus; ++i)
        if ((ids[i] = os::create_thread(i, reporter, i)).is_nil()) return failed(1, "create_thread refused");
    if (!wait_reports(ids, cpus, 1)) return failed(2, "not every thread reported");
    for (unsigned i = 0; i < cpus; ++i)
        if (g_cpu[i] != i) return failed(3, "a thread runs on the wrong CPU");
    for (unsigned i = 0; i < cpus; ++i)
        if (!os::migrate_thread(ids[i], (i + 1) % cpus)) return failed(4, "migrate_thread refused");
    if (os::migrate_thread(ids[0], cpus) || os::migrate_thread(os::ThreadId::nil(), 0))
        return failed(5, "migrate_thread to no CPU or of no thread was accepted");
    os::ThreadId me = l4::my_global_id();
    if (!os::migrate_thread(me, cpus - 1) || l4::processor_no() != cpus - 1 || !os::migrate_thread(me, 0) ||
        l4::processor_no() != 0)
        return failed(8, "the main thread did not move itself to the last CPU and back");
    g_round = 2;
    if (!wait_reports(ids, cpus, 2)) return failed(6, "not every thread reported after the migration");
    for (unsigned i = 0; i < cpus; ++i)
        if (g_cpu[i] != (i + 1) % cpus) return failed(7, "a thread did not arrive on its new CPU");
    l4::printf("ostest: %u threads ran on their CPUs and arrived after migrating\n", cpus);
    return 0;
}

void toucher(Word index) {
    touch_pages(os::heap_start() + (64 + index * 8) * os::kPageSize * 4, 8);
    g_reports[index] = 1;
}

int mode_memory() {
    unsigned cpus = os::cpu_count() < kMaxCpus ? os::cpu_count() : kMaxCpus;
    touch_pages(os::heap_start() + 16 * os::kPageSize * 1024, number_arg("pages", 16));
    os::ThreadId ids[kMaxCpus];
    for (unsigned i = 0; i < cpus; ++i)
        if ((ids[i] = os::create_thread(i, toucher, i)).is_nil()) return failed(1, "create_thread refused");
    return wait_reports(ids, cpus, 1) ? 0 : failed(2, "the threads did not finish");
}

/// Sends a raw message (label, `count` words of 0) to the pager; true if the answer is
/// the RPC error reply with `status`.
bool error_reply(uint16_t label, unsigned count, l4::rpc::Status status) {
    l4::set_mr(0, MsgTag::make(label, count, 0).raw());
    for (unsigned i = 1; i <= count; ++i) l4::set_mr(i, 0);
    MsgTag tag = l4::call(l4::pager(), l4::milliseconds(2000), l4::milliseconds(2000));
    return !l4::ipc_failed(tag) && tag.label() == l4::rpc::kReplyError && tag.untyped() == 1 &&
           l4::mr(1) == static_cast<Word>(status);
}

int mode_malformed() {
    using l4::rpc::Status;
    if (!error_reply(os::proto::Exit::kLabel, 0, Status::Malformed)) return failed(1, "exit without its code");
    if (!error_reply(os::proto::CreateThread::kLabel, 2, Status::Malformed)) return failed(2, "create_thread, 2 words");
    if (!error_reply(os::proto::GetTaskInfo::kLabel, 5, Status::Malformed)) return failed(3, "task_info with words");
    if (!error_reply(0x0B7F, 1, Status::UnknownProc)) return failed(4, "an unknown label");
    if (!error_reply(os::proto::MigrateThread::kLabel, 2, Status::Refused)) return failed(5, "migrate of thread nil");
    if (os::task_info().page_faults == 0) return failed(6, "task_info after the bad requests");
    return 0;
}

int mode_parent() {
    char args[64];
    l4::snprintf(args, sizeof args, "mode=child parent=0x%x", l4::my_global_id().raw());
    os::ThreadId child = os::spawn("ostest", args);
    if (child.is_nil()) return failed(1, "spawn refused");
    if (!os::spawn("no-such-module", "").is_nil()) return failed(2, "spawn of a missing module accepted");
    os::ThreadId from;
    MsgTag tag = l4::receive(child, &from, l4::milliseconds(10000));
    if (l4::ipc_failed(tag) || tag.label() != kHelloLabel || tag.untyped() != 1) return failed(3, "no hello");
    l4::load_words(kHelloLabel, {l4::mr(1) + 1});
    if (l4::ipc_failed(l4::send(child, l4::milliseconds(2000)))) return failed(4, "the answer did not go");
    l4::printf("ostest: parent exchanged a message with task %x\n", child.raw());
    return 0;
}

int mode_child() {
    os::ThreadId parent = os::ThreadId::from_raw(number_arg("parent", 0));
    l4::load_words(kHelloLabel, {Word{1234}});
    MsgTag tag = l4::call(parent, l4::milliseconds(5000), l4::milliseconds(5000));
    if (l4::ipc_failed(tag) || tag.label() != kHelloLabel || l4::mr(1) != 1235) return failed(1, "bad answer");
    return 0;
}

}  // namespace

int main() {
    char mode[16] = "";
    (void)os::arg_value("mode", mode, sizeof mode);
    if (strcmp(mode, "exit") == 0) return mode_exit();
    if (strcmp(mode, "crash") == 0) return static_cast<int>(*reinterpret_cast<volatile Word*>(0));
    if (strcmp(mode, "threads") == 0) return mode_threads();
    if (strcmp(mode, "memory") == 0) return mode_memory();
    if (strcmp(mode, "malformed") == 0) return mode_malformed();
    if (strcmp(mode, "parent") == 0) return mode_parent();
    if (strcmp(mode, "child") == 0) return mode_child();
    if (strcmp(mode, "unmap") == 0) return ostest::mode_unmap();
    if (strcmp(mode, "fuzz") == 0) return ostest::mode_fuzz();
    l4::printf("ostest: unknown mode '%s' (args '%s')\n", mode, os::args());
    return 100;
}
