// test_space.h: a new address space with one thread, created by the root task.
//
// The X.2 steps (each a privileged system call of the root task):
//   1. ThreadControl(t, space = t, scheduler = main, pager = nil): a new space with an
//      inactive thread t in it;
//   2. SpaceControl(t): its KIP area (at the root task's KIP address) and UTCB area
//      (kChildUtcbArea, layout.h);
//   3. ThreadControl(t, t, main, pager = the pager thread, UTCB = first in the area):
//      t becomes active and waits for a start message from its pager;
//   4. the pager sends it IP and SP (pager.h).
// The thread runs function(arg) on a stack that is the root task's memory (mirrored).
// The destructor deletes the thread, and with its last thread the space.
#pragma once

#include "api/thread_id.h"
#include "threads.h"

namespace l4test {

class TestSpace {
public:
    TestSpace() = default;
    TestSpace(const TestSpace&) = delete;
    TestSpace& operator=(const TestSpace&) = delete;
    ~TestSpace() { destroy(); }

    [[nodiscard]] bool create(ThreadFunction function, Word arg);
    void destroy();

    [[nodiscard]] ThreadId id() const { return m_id; }
    [[nodiscard]] const char* error() const { return m_error; }

private:
    int m_slot = -1;
    ThreadId m_id = ThreadId::nil();
    char m_error[96] = {};
};

}  // namespace l4test
