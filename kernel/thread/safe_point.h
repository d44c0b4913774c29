// safe_point.h: what a CPU's safe point (thread::kernel_exit) has to do, as
// one word per CPU.
//
// Four kinds of work wait for a CPU's safe point: a thread switch is due
// (Resched), a timer tick passed while threads wait with deadlines (Tick),
// other CPUs posted requests to its inbox (Inbox, ipc/remote.h), a thread
// was deleted and its receivers must be looked for (PartnerGone,
// ipc/partner_gone.cc). Each kind is one byte of the CPU's word: whoever
// makes the work raises its byte (another CPU with a plain byte store), the
// safe point clears it when it does the work, and the IPC fast path
// (arch/ia32/syscall/ipc_fast.S), which returns to user mode without a safe point, reads
// the four bytes in one load: any work at all sends it down the general path.
//
// The word lies in its CPU's scheduler state (thread/cpu_scheduler.h), on a
// cache line of its own, so that the fast path finds it at a fixed offset
// from the rest of that state: one instruction.
//
//   byte:   3            2       1      0
//         [ PartnerGone | Inbox | Tick | Resched ]    word != 0: work waits
#pragma once

#include <stdint.h>

namespace thread {

class SafePointWork {
public:
    enum Kind : unsigned { Resched = 0, Tick = 1, Inbox = 2, PartnerGone = 3 };

    void raise(Kind kind) { __atomic_store_n(byte(kind), uint8_t(1), __ATOMIC_RELEASE); }
    void clear(Kind kind) { __atomic_store_n(byte(kind), uint8_t(0), __ATOMIC_RELEASE); }
    bool has(Kind kind) const { return __atomic_load_n(byte(kind), __ATOMIC_ACQUIRE) != 0; }
    /// Clears `kind`; whether it was raised (one atomic exchange).
    bool take(Kind kind) { return __atomic_exchange_n(byte(kind), uint8_t(0), __ATOMIC_ACQ_REL) != 0; }
    /// Whether any kind is raised: one load of the whole word.
    bool any() const { return __atomic_load_n(&m_word, __ATOMIC_ACQUIRE) != 0; }

private:
    // The bytes are accessed through char pointers into the word, which C++
    // allows; every access is atomic at its own size, as x86 guarantees.
    uint8_t* byte(Kind kind) { return reinterpret_cast<uint8_t*>(&m_word) + kind; }
    const uint8_t* byte(Kind kind) const { return reinterpret_cast<const uint8_t*>(&m_word) + kind; }

    uint32_t m_word = 0;
};

// safe_point_work(cpu) and safe_point_work(), CPU `cpu`'s word and the running
// CPU's, are in thread/cpu_scheduler.h, beside the state that holds them.

}  // namespace thread
