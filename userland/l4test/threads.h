// threads.h: starting threads in the root task's own space (LocalThread) and thread ids.
//
// A local thread is created with ThreadControl (space, scheduler: the root task's main
// thread; pager: the main thread's pager, sigma0) and started as Pistachio's pingpong
// starts its threads: ExchangeRegisters sets SP and IP, clears the halt flag and
// cancels the wait for a start message. Its UTCB is one of the slots after the main
// thread's in the root task's UTCB area, its stack one of a few static stacks.
//
// A thread runs `function(arg)` and, if that returns, sleeps for ever. The destructor
// deletes the thread, so a failing test leaves no thread behind.
#pragma once

#include "api/thread_id.h"
#include "api/word.h"

namespace l4test {

using api::ThreadId;
using api::Word;

using ThreadFunction = void (*)(Word arg);

/// Records the calling thread as the root task's main thread; main() calls it first.
void remember_main_thread();
/// The root task's main thread (global id), from any thread of any space.
[[nodiscard]] ThreadId main_thread();
/// A global thread id nobody uses yet.
[[nodiscard]] ThreadId new_thread_id();
/// Lays out a new thread's first stack frame below `stack_top` so that it starts in
/// `function(arg)`; returns the SP and sets `*ip` to the IP to start at.
[[nodiscard]] Word prepare_stack(char* stack_top, ThreadFunction function, Word arg, Word* ip);
/// A server for LocalThread::start: answers each message with an empty one whose
/// label is the message's plus one, for ever.
void label_echo(Word);

class LocalThread {
public:
    static constexpr unsigned kStackSize = 8192;

    LocalThread() = default;
    LocalThread(const LocalThread&) = delete;
    LocalThread& operator=(const LocalThread&) = delete;
    ~LocalThread() { stop(); }

    /// Creates and starts the thread; false (and error() set) if a system call failed.
    [[nodiscard]] bool start(ThreadFunction function, Word arg);
    /// Deletes the thread (ThreadControl with a nil space).
    void stop();

    [[nodiscard]] ThreadId id() const { return m_id; }
    /// The local id: its UTCB pointer.
    [[nodiscard]] ThreadId local_id() const;
    [[nodiscard]] const char* error() const { return m_error; }
    [[nodiscard]] Word stack_bottom() const;
    [[nodiscard]] Word stack_top() const { return stack_bottom() + kStackSize; }

private:
    int m_slot = -1;
    ThreadId m_id = ThreadId::nil();
    char m_error[80] = {};
};

/// A thread a test made by hand (ThreadControl), in any space: deleted when this
/// goes (and with its space's last thread, the space), so a failing test leaves none.
class OwnedThread {
public:
    OwnedThread() = default;
    OwnedThread(const OwnedThread&) = delete;
    OwnedThread& operator=(const OwnedThread&) = delete;
    ~OwnedThread() { reset(); }

    void adopt(ThreadId id) { m_id = id; }
    /// Deletes the thread now (if there is one).
    void reset();
    [[nodiscard]] ThreadId id() const { return m_id; }

private:
    ThreadId m_id = ThreadId::nil();
};

}  // namespace l4test
