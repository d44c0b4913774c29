// tcb.h: the thread control block (TCB) of an L4 thread.
//
// A TCB is one 4 KiB page: the Tcb object at the bottom, the thread's kernel
// stack above it, growing down. When the thread entered the kernel from user
// mode, its user registers sit at the very top (the TrapFrame the CPU and
// trap_entry.S pushed), so they are always at the same place:
//
//   page + 4096 +----------------------+
//               | user TrapFrame       |  user_frame(): registers of user mode
//               | kernel stack         |
//               |   ...  (grows down)  |
//               +----------------------+  <- stack limit: kStackCanary
//               | Tcb object           |
//   page + 0    +----------------------+
//
// Because TCB pages are 4 KiB aligned, the TCB of the running thread is the
// kernel stack pointer with its low 12 bits cleared (Pistachio does the same).
// User threads' TCBs live in the virtual TCB array (tcb_array.h), indexed by
// thread number; idle threads have TCBs outside it.
//
// Who may touch a TCB: each thread belongs to one CPU (m_cpu). Only that CPU
// changes its state, with interrupts off; other CPUs send it requests
// (ipc/remote.h). Exception: the send-queue links of a thread waiting to send
// belong to the CPU of the receiver it waits for.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "api/msg_tag.h"
#include "api/thread_id.h"
#include "api/time.h"
#include "api/utcb.h"
#include "api/word.h"
#include "ipc/remote.h"
#include "thread/run_queue.h"

namespace mm {
class Space;
}
namespace arch {
struct UserFrame;
}

namespace thread {

inline constexpr size_t kTcbSize = 4096;

enum class State : uint8_t {
    Free = 0,         ///< no thread (what an unused TCB-array slot reads as)
    Inactive,         ///< exists, but has no space/UTCB set up to run yet
    Ready,            ///< running or in its CPU's run queue
    Sending,          ///< blocked in the send phase of an IPC
    Receiving,        ///< blocked in the receive phase of an IPC
    WaitingRemote,    ///< blocked until another CPU answers a request
    Halted,           ///< stopped (exception without handler, kdebug, ExchangeRegisters)
};

const char* state_name(State state);

/// What ended a thread's blocking (set by whoever wakes it).
enum class WakeReason : uint8_t { None, Done, Timeout, NoPartner, Cancelled, Aborted };

/// Where an IPC's message words come from / go to: the UTCB's MRs, or a
/// kernel buffer (page-fault and exception IPC, which must not clobber the
/// thread's MRs).
inline constexpr unsigned kKernelMessageWords = 13;

class Tcb {
public:
    // ---- identity ---------------------------------------------------------
    api::ThreadId global_id() const { return m_global_id; }
    api::ThreadId local_id() const { return api::ThreadId::from_raw(api::utcb_pointer(m_utcb_location)); }
    unsigned cpu() const { return __atomic_load_n(&m_cpu, __ATOMIC_ACQUIRE); }
    /// Whether CPU `cpu` owns the thread and has taken it in: false while
    /// its Adopt request still waits in `cpu`'s inbox (ipc::post_adopt).
    /// A CPU acts on a thread directly only if this holds for itself;
    /// otherwise it posts a request, which its inbox orders after the Adopt.
    bool owned_by(unsigned cpu) const {
        return this->cpu() == cpu && !__atomic_load_n(&m_adopt_pending, __ATOMIC_ACQUIRE);
    }
    State state() const { return m_state; }
    mm::Space* space() const { return m_space; }
    api::Utcb* utcb() const { return m_utcb; }
    api::Word utcb_location() const { return m_utcb_location; }
    bool is_idle() const { return m_is_idle; }
    bool exists() const { return m_state != State::Free; }

    /// The TCB of the thread running on this CPU.
    static Tcb* current();

    /// The user registers (valid for user threads; top of the TCB page).
    arch::UserFrame* user_frame();

    // Everything below is thread/, ipc/ and api/ internal state. Fields are
    // grouped by who uses them; see the file comment for who may write.

    // identity and placement
    api::ThreadId m_global_id;
    unsigned m_cpu = 0;
    // From here to m_receive_to_kernel the fields are laid out for the IPC
    // fast path (arch/ia32/syscall/ipc_fast.S), which reads and writes
    // several of them at once: the compares and stores named below.
    //
    // What keeps a sender from the fast path, one aligned word (step 3: all
    // clear, and no move, is 0x00FF0000).
    alignas(4) bool m_tcb_pending = false;  // its TCB page waits to follow it to this node (tcb_migrate.h)
    bool m_cancel_pending = false;        // m_request is out as a CancelSend until CancelDone
    int8_t m_migrate_to = -1;             // Schedule: move to this CPU when switched out
    bool m_has_senders = false;           // m_senders_head != nullptr (ipc.cc's queue keeps both)
    bool m_is_idle = false;
    bool m_started = false;   // has left for user mode at least once
    // m_ran_here, m_wake, m_state and m_adopt_pending: one word that steps 8
    // and 9 write with one store each, for the sender (which is running here:
    // m_ran_here is true and m_adopt_pending false already) and the receiver.
    bool m_ran_here = true;               // back in user mode since it was adopted here (migration.cc)
    WakeReason m_wake = WakeReason::None;  // what ended its last blocking (set by whoever wakes it)
    // The state and three flags that keep a receiver from the fast path, in
    // this order, one aligned word: it tests them with one compare (step 5).
    alignas(4) State m_state = State::Free;
    bool m_adopt_pending = false;         // handed to m_cpu, whose inbox still holds its Adopt
    bool m_in_timeouts = false;           // in this CPU's timeout list (links below)
    bool m_receive_to_kernel = false;     // deliver into m_kmsg (fault replies)
    bool m_tcb_off_node = false;  // its page lies off its node's memory, which had none (tcb_placement.h)
    mm::Space* m_space = nullptr;
    api::Utcb* m_utcb = nullptr;          // kernel address of the UTCB
    api::Word m_utcb_location = 0;        // its user address
    uint64_t m_utcb_segment = 0;          // arch::utcb_segment(m_utcb_location): what %gs selects
    api::Word m_utcb_wanted = ~api::Word{0};  // inactive: the UTCB location ThreadControl gave
                                              // (~0: none yet); a pager later activates it there
    api::ThreadId m_scheduler;

    // scheduling (the run queue of m_cpu)
    Schedulable m_sched;               // (m_migrate_to and m_ran_here: above)

    // IPC, both phases (ipc/ipc.h)
    api::Word m_ipc_seq = 0;              // counts this thread's Ipcs (stale requests)
    bool m_error_in_receive = false;      // a failure happened in the receive phase
    bool m_zombie = false;                // deleted; freed when its requests come back
    Tcb* m_dead_next = nullptr;           // in its CPU's list of the deleted waiting to be freed
    // IPC, send side
    api::ThreadId m_send_to;
    api::MsgTag m_send_tag;               // MR0 of the message being sent
    api::Time m_send_timeout;
    bool m_send_from_kernel = false;      // message words in m_kmsg, not the UTCB
    Tcb* m_send_partner = nullptr;        // the receiver (valid while Sending)
    bool m_remote_send = false;           // a Deliver went to another CPU
    bool m_ack_received = false;          // ... and it queued us there
    bool m_cancel_wanted = false;         // cancel as soon as the queueing is acknowledged
    WakeReason m_cancel_reason = WakeReason::None;
    // IPC, receive side
    api::ThreadId m_receive_from;         // from-specifier, or the partner of a call
    // The receive timeout, whether there is a receive phase, and a flag false
    // in every thread that makes an Ipc: one aligned word, which the IPC fast
    // path writes with one store (ipc_fast.S, step 8).
    alignas(4) api::Time m_receive_timeout;
    bool m_has_receive = false;           // the Ipc has a receive phase
    bool m_start_pending = false;         // a new thread waiting for its start message
    api::Word m_kmsg[kKernelMessageWords] = {};
    // outcome of a blocking operation (m_wake: above)
    api::ThreadId m_received_from;
    api::MsgTag m_received_tag;
    uint64_t m_deadline = 0;              // clock_us; 0 = none
    uint32_t m_fast_ipcs = 0;             // Ipcs this thread sent through the fast path (kdebug 0x5000 + n)

    // queues: senders waiting for this thread (owned by this thread's CPU;
    // m_has_senders above says whether there are any)
    Tcb* m_senders_head = nullptr;
    // links of this thread in a receiver's queue (owned by the receiver's CPU)
    Tcb* m_queue_next = nullptr;
    Tcb* m_queue_prev = nullptr;
    Tcb* m_queued_at = nullptr;
    // links in this CPU's timeout list
    Tcb* m_timeout_next = nullptr;
    Tcb* m_timeout_prev = nullptr;

    // requests between CPUs about this thread (ipc/remote.h): what it asks,
    // the answers it gets, and its hand-over when it migrates
    ipc::RemoteRequest m_request;
    ipc::RemoteRequest m_ack;
    ipc::RemoteRequest m_reply;
    ipc::RemoteRequest m_adopt;
    bool m_awaiting_cancel = false;       // blocked until then (ipc::await_request), no send open

    // kernel debugger output (syscall/kdebug.cc): one line at a time, so lines of
    // threads on different CPUs never mix on the console
    char m_kdb_line[256] = {};
    uint16_t m_kdb_length = 0;

    // context switch
    void* m_page = nullptr;               // this TCB's page in its kmem pool
    uint32_t m_kernel_esp = 0;            // saved by a switch; 0: blocked in the IPC fast path (switch.S)
    uint32_t m_stack_canary = 0;
};

inline constexpr uint32_t kStackCanary = 0x57AC4ED0;

}  // namespace thread
