// lab3_support.h: helpers shared by the Lab 3 self-tests (kernel/test/lab3_*.cc).
//
// The tests make TCBs of their own ("test threads": a slot of the TCB array
// with a page, an id, and a kernel stack area filled with a pattern) and move
// them with thread::place_tcb, the call the switch path makes when a thread
// changes node. What they check is read from the kernel page table and the
// pools (thread::tcb_frame, NodePool::contains_phys), never from what the lab
// code says. The tests run at the end of boot, before any user thread
// exists: the slots they use are free, and nothing else uses them.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "api/thread_id.h"
#include "arch/arch.h"
#include "lib/format.h"
#include "mm/kmem.h"
#include "platform/machine.h"
#include "smp/cross_call.h"
#include "smp/online.h"
#include "thread/tcb.h"
#include "thread/tcb_array.h"
#include "thread/tcb_migrate.h"

namespace lab3 {

using thread::Tcb;

/// The first thread number the tests use, counting down (clear of sigma0's 32
/// and the root task's).
inline constexpr api::Word kFirstTestNumber = thread::kMaxThreads - 1;

inline unsigned num_nodes() { return platform::machine_topology().num_nodes; }
inline unsigned cpu_node(unsigned cpu) { return platform::machine_topology().cpus[cpu].node; }
/// The node whose pool should hold a TCB of a thread on `node`.
inline unsigned memory_node(unsigned node) { return kmem::serving_node(node); }

/// The pool node of physical `frame`, or -1.
inline int pool_of(uint64_t frame) {
    for (unsigned n = 0; n < num_nodes(); ++n)
        if (kmem::pools().on(n).contains_phys(frame)) return int(n);
    return -1;
}

inline uint64_t free_kernel_bytes() {
    uint64_t free = 0;
    for (unsigned n = 0; n < num_nodes(); ++n) free += kmem::pools().on(n).free_bytes();
    return free;
}

/// The word at index i of a test thread's kernel stack area (above the Tcb
/// object, to the end of the page): a pattern of its number.
inline uint32_t stack_word(api::Word number, size_t i) { return 0x57AC0000u ^ uint32_t(number << 12) ^ uint32_t(i); }
inline size_t first_stack_word() { return (sizeof(Tcb) + 3) / 4; }
inline size_t stack_words() { return thread::kTcbSize / 4; }

/// Makes a test thread with number `number` and its page on `node`, as
/// try_create would (an inactive thread of this CPU), stack area patterned.
inline Tcb* make_test_thread(api::Word number, unsigned node) {
    Tcb* tcb = thread::try_allocate_tcb(number, node);
    if (tcb == nullptr) return nullptr;
    tcb->m_cpu = arch::cpu_index();
    tcb->m_state = thread::State::Inactive;
    tcb->m_stack_canary = thread::kStackCanary;
    tcb->m_kernel_esp = uint32_t(uintptr_t(tcb) + thread::kTcbSize - 64);
    uint32_t* words = reinterpret_cast<uint32_t*>(tcb);
    for (size_t i = first_stack_word(); i < stack_words(); ++i) words[i] = stack_word(number, i);
    tcb->m_global_id = api::ThreadId::global(number, 1);
    return tcb;
}

/// What is wrong with test thread `tcb` as read through its slot, or nullptr.
inline const char* damage(Tcb* tcb, api::Word number) {
    if (tcb->m_global_id != api::ThreadId::global(number, 1)) return "its id is gone (a stale or unfilled page)";
    if (tcb->m_stack_canary != thread::kStackCanary) return "its stack canary is gone";
    if (tcb->m_kernel_esp != uint32_t(uintptr_t(tcb) + thread::kTcbSize - 64)) return "its saved stack pointer changed";
    const volatile uint32_t* words = reinterpret_cast<const volatile uint32_t*>(tcb);
    for (size_t i = first_stack_word(); i < stack_words(); ++i)
        if (words[i] != stack_word(number, i)) return "its kernel stack was not copied whole";
    if (tcb->m_page == nullptr || kmem::virt_to_phys(tcb->m_page) != thread::tcb_frame(tcb))
        return "its m_page does not name the page its slot maps";
    return nullptr;
}

/// Deletes a test thread (its page goes back to its pool).
inline void drop_test_thread(Tcb* tcb) {
    tcb->m_state = thread::State::Free;
    tcb->m_global_id = api::ThreadId::nil();
    thread::free_tcb(tcb);
}

}  // namespace lab3
