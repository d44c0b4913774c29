// os.cc: the client side of the base OS protocol (os.h, protocol.h) and the program
// start-up that os/crt0.S calls.
#include "os/os.h"

#include "l4/options.h"
#include "l4/ipc.h"
#include "l4/rpc.h"
#include "l4/string.h"
#include "l4/utcb.h"

int main();

extern "C" char __image_end[];

namespace os {

namespace {

using l4::rpc::call;

ArgsText g_args;
/// The next free stack slot; slot 0 is the main thread's.
unsigned g_next_stack_slot = 1;

[[noreturn]] void thread_entry(void (*fn)(Word), Word arg) {
    fn(arg);
    l4::sleep_forever();
}

void copy_bounded(char* to, const char* from, unsigned size) {
    unsigned n = 0;
    if (from != nullptr)
        for (; n + 1 < size && from[n] != '\0'; ++n) to[n] = from[n];
    to[n] = '\0';
}

}  // namespace

void exit(int code) {
    (void)call<proto::Exit>(l4::pager(), static_cast<Word>(code));
    // The OS deletes this thread before it could answer; if it did not, stop here.
    l4::sleep_forever();
}

ThreadId create_thread(unsigned cpu, void (*fn)(Word), Word arg) {
    unsigned slot = __atomic_fetch_add(&g_next_stack_slot, 1, __ATOMIC_RELAXED);
    if (slot >= kMaxThreads) return ThreadId::nil();
    // The new thread starts as if thread_entry(fn, arg) had just been called: a return
    // address (none), then the two arguments. Writing them faults the slot's top page in.
    Word* sp = reinterpret_cast<Word*>(stack_top(slot)) - 4;
    sp[0] = 0;
    sp[1] = reinterpret_cast<Word>(fn);
    sp[2] = arg;
    auto reply = call<proto::CreateThread>(l4::pager(), Word{cpu}, reinterpret_cast<Word>(&thread_entry),
                                           reinterpret_cast<Word>(sp));
    return reply.ok() ? reply.value() : ThreadId::nil();
}

bool migrate_thread(ThreadId thread, unsigned cpu) {
    auto reply = call<proto::MigrateThread>(l4::pager(), thread, Word{cpu});
    return reply.ok() && reply.value() == 1;
}

ThreadId spawn(const char* module, const char* arguments) {
    SpawnRequest request;
    memset(&request, 0, sizeof request);
    copy_bounded(request.module, module, sizeof request.module);
    copy_bounded(request.args, arguments, sizeof request.args);
    auto reply = call<proto::Spawn>(l4::pager(), request);
    return reply.ok() ? reply.value() : ThreadId::nil();
}

bool make_local(Word start, Word bytes) {
    auto reply = call<proto::MakeLocal>(l4::pager(), start, bytes);
    return reply.ok() && reply.value() == 1;
}

bool unmap(Word start, Word pages, UnmapHow how, UnmapStatus* status) {
    auto reply = call<proto::Unmap>(l4::pager(), start, pages, how);
    if (!reply.ok()) return false;
    if (status != nullptr) *status = reply.value();
    return true;
}

TaskInfo task_info() {
    auto reply = call<proto::GetTaskInfo>(l4::pager());
    return reply.ok() ? reply.value() : TaskInfo{0, 0};
}

const char* args() { return g_args.text; }

bool arg_value(const char* key, char* value, unsigned size) { return l4::find_option(g_args.text, key, value, size); }

Word heap_start() { return reinterpret_cast<Word>(__image_end); }

}  // namespace os

extern "C" {
using Constructor = void (*)();
extern Constructor __init_array_start[];
extern Constructor __init_array_end[];

/// Called by os/crt0.S on the main thread's stack: the KIP's IPC stubs (ipc.h),
/// arguments, constructors, main, exit.
[[noreturn]] void os_program_start() {
    l4::detail::find_ipc_stubs();
    auto reply = l4::rpc::call<os::proto::GetArgs>(l4::pager());
    if (reply.ok()) os::g_args = reply.value();
    os::g_args.text[os::kMaxArgs] = '\0';
    for (Constructor* c = __init_array_start; c != __init_array_end; ++c) (*c)();
    os::exit(main());
}
}
