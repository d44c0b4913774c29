// ipc_fast_entry.cc: what the IA32 IPC fast path (ipc_fast.S) needs from C++.
//
// The fast path itself is assembly, one straight line from the Ipc's trap to
// the receiver's iret (ipc_fast.S says why and walks through it). It reads
// the kernel's objects at offsets written down in ipc_fast_layout.h; this file
// checks each of them against the types, so that the build stops when a
// field moves. It also holds the few steps the assembly leaves to C++ because
// they are rare or long: finding a receiver by its local id, the run queue's
// priority test when some thread is ready, the IO bitmap when a space has
// one, a stack overflow, and the sender's return when it runs again.
#include "arch/ia32/gdt.h"
#include "arch/ia32/syscall/ipc_fast_layout.h"
#include "arch/ia32/trap.h"
#include "ipc/fast_path.h"
#include "lib/panic.h"
#include "mm/space.h"
#include "thread/cpu_scheduler.h"
#include "thread/safe_point.h"
#include "thread/scheduler.h"
#include "thread/tcb_array.h"

namespace {

using ia32::TrapFrame;
using thread::Tcb;
using thread::detail::CpuScheduler;

// ---- ipc_fast_layout.h, checked -------------------------------------------------

static_assert(offsetof(TrapFrame, esi) == FRAME_ESI && offsetof(TrapFrame, ebp) == FRAME_EBP &&
              offsetof(TrapFrame, ebx) == FRAME_EBX && offsetof(TrapFrame, edx) == FRAME_EDX &&
              offsetof(TrapFrame, eax) == FRAME_EAX && sizeof(TrapFrame) == FRAME_SIZE);

static_assert(offsetof(Tcb, m_global_id) == TCB_GLOBAL_ID && offsetof(Tcb, m_cpu) == TCB_CPU);
// The words the fast path reads or writes whole; IA32 is little-endian, so a
// word's first field is its low byte.
// The sender's: the flags clear and m_migrate_to -1 (0xFF); CPU numbers fit.
static_assert(offsetof(Tcb, m_tcb_pending) == TCB_SENDER_WORD && TCB_SENDER_WORD % 4 == 0 &&
              offsetof(Tcb, m_cancel_pending) == TCB_SENDER_WORD + 1 &&
              offsetof(Tcb, m_migrate_to) == TCB_SENDER_WORD + 2 && sizeof(Tcb::m_migrate_to) == 1 &&
              offsetof(Tcb, m_has_senders) == TCB_SENDER_WORD + 3 && SENDER_WORD_FREE == 0xFFu << 16 &&
              platform::kMaxCpus <= 127);
// The one the fast path stores for the sender and the receiver.
static_assert(offsetof(Tcb, m_ran_here) == TCB_RUN_WORD && offsetof(Tcb, m_wake) == TCB_RUN_WORD + 1 &&
              offsetof(Tcb, m_state) == TCB_RUN_WORD + 2 && offsetof(Tcb, m_adopt_pending) == TCB_RUN_WORD + 3 &&
              sizeof(bool) == 1 && sizeof(thread::WakeReason) == 1 && sizeof(thread::State) == 1);
static_assert(RUN_WORD_RECEIVING == (1u | unsigned(thread::WakeReason::None) << 8 |
                                     unsigned(thread::State::Receiving) << 16) &&
              RUN_WORD_WOKEN == (1u | unsigned(thread::WakeReason::Done) << 8 | unsigned(thread::State::Ready) << 16));
// The state and the three flags a waiting receiver must have clear.
static_assert(offsetof(Tcb, m_state) == TCB_STATE && TCB_STATE % 4 == 0 &&
              offsetof(Tcb, m_adopt_pending) == TCB_STATE + 1 && offsetof(Tcb, m_in_timeouts) == TCB_STATE + 2 &&
              offsetof(Tcb, m_receive_to_kernel) == TCB_STATE + 3);
static_assert(offsetof(Tcb, m_space) == TCB_SPACE && offsetof(Tcb, m_utcb) == TCB_UTCB &&
              offsetof(Tcb, m_utcb_location) == TCB_UTCB_LOCATION &&
              offsetof(Tcb, m_utcb_segment) == TCB_UTCB_SEGMENT);
static_assert(offsetof(Tcb, m_ipc_seq) == TCB_IPC_SEQ &&
              offsetof(Tcb, m_receive_from) == TCB_RECEIVE_FROM &&
              offsetof(Tcb, m_fast_ipcs) == TCB_FAST_IPCS &&
              offsetof(Tcb, m_kernel_esp) == TCB_KERNEL_ESP);
static_assert(offsetof(Tcb, m_receive_timeout) == TCB_RECEIVE_WORD && TCB_RECEIVE_WORD % 4 == 0 &&
              offsetof(Tcb, m_has_receive) == TCB_RECEIVE_WORD + 2 && offsetof(Tcb, m_start_pending) == TCB_RECEIVE_WORD + 3 &&
              api::Time::never().raw() == 0 && RECEIVE_WORD_WAITING == 1u << 16);
static_assert(sizeof(Tcb::m_ipc_seq) == 4 && sizeof(Tcb::m_fast_ipcs) == 4 &&
              sizeof(Tcb::m_receive_timeout) == 2 && sizeof(Tcb::m_utcb_segment) == 8);
static_assert(thread::kTcbSize == TCB_STACK_TOP);
static_assert(uint8_t(thread::State::Ready) == STATE_READY && uint8_t(thread::State::Receiving) == STATE_RECEIVING);

static_assert(offsetof(CpuScheduler, current) == SCHED_CURRENT &&
              offsetof(CpuScheduler, queue) + thread::RunQueue::summary_offset() == SCHED_QUEUE_WORDS &&
              offsetof(CpuScheduler, safe_point) == SCHED_SAFE_POINT && sizeof(thread::SafePointWork) == 4);
static_assert(sizeof(thread::detail::g_cpus) == platform::kMaxCpus * SCHED_SLOT_SIZE);

static_assert(mm::Space::directories_offset() == SPACE_DIRECTORIES &&
              mm::Space::io_bitmap_offset() == SPACE_IO_BITMAP &&
              mm::Space::io_generation_offset() == SPACE_IO_GENERATION);

static_assert(offsetof(ia32::CpuLocal, index) == LOCAL_CPU_INDEX &&
              offsetof(ia32::CpuLocal, io_loaded_key) == LOCAL_IO_LOADED_KEY &&
              offsetof(ia32::CpuLocal, io_enabled) == LOCAL_IO_ENABLED);
static_assert(ia32::Gdt::Running::kTssEsp0 == LOCAL_TSS_ESP0 &&
              ia32::Gdt::Running::kUtcbDescriptor == LOCAL_UTCB_DESCRIPTOR &&
              ia32::Gdt::Running::kIomapBase == LOCAL_IOMAP_BASE && ia32::Gdt::Running::kIomapOn == IOMAP_ON &&
              ia32::Gdt::Running::kIomapOff == IOMAP_OFF);

static_assert(offsetof(api::Utcb, mr) == UTCB_MR0 && UTCB_MR1 == UTCB_MR0 + 4 && UTCB_MR2 == UTCB_MR0 + 8 &&
              api::kUtcbPointerOffset == UTCB_POINTER_OFFSET);
static_assert(api::ThreadId::any().raw() == THREAD_ANY && api::ThreadId::any_local().raw() == THREAD_ANY_LOCAL &&
              TCB_ARRAY_SLOTS_MASK == (thread::kMaxThreads - 1) * thread::kTcbSize &&
              TCB_ARRAY_SIZE == thread::kMaxThreads * thread::kTcbSize &&
              (api::ThreadId::global(thread::kMaxThreads - 1, 1).raw() >> 2) == TCB_ARRAY_SLOTS_MASK &&
              api::ThreadId::from_raw(LOCAL_ID_ZERO_BITS).is_global() &&
              !api::ThreadId::from_raw(~api::Word(LOCAL_ID_ZERO_BITS)).is_global());
static_assert(api::MsgTag::make(0, TAG_UNTYPED, 0).raw() == TAG_UNTYPED &&
              (api::MsgTag::make(0xFFFF, TAG_UNTYPED, 0).raw() | TAG_TYPED_AND_FLAGS) == 0xFFFFFFFF);

}  // namespace

// ---- called from ipc_fast.S (arguments in EAX, EDX: regparm) -------------------

/// Step 4 by a local id (Lipc, or Ipc within a space): the thread whose UTCB
/// is at that location in the sender's space, read without the space's lock
/// and then checked; null when there is none, and the general path decides.
extern "C" [[gnu::regparm(2)]] Tcb* ipc_fast_local_receiver(Tcb* self, api::Word to) {
    api::ThreadId id = api::ThreadId::from_raw(to);
    auto* dest = static_cast<Tcb*>(self->m_space->utcb_owner_unlocked(api::utcb_location(id.raw())));
    if (dest == nullptr || dest->m_space != self->m_space || dest->local_id() != id) return nullptr;
    return dest;
}

/// Step 6 when some thread is ready on this CPU: whether one has a higher
/// priority than the receiver (then the general path runs it first).
extern "C" [[gnu::regparm(2)]] bool ipc_fast_ready_above(Tcb* dest, CpuScheduler* c) {
    return c->queue.ready_above(dest->m_sched.priority());
}

/// Step 10 when the receiver's space has IO ports that are not the ones
/// behind this CPU's TSS: the whole user context as the general path loads
/// it (which copies the bitmap).
extern "C" [[gnu::regparm(1)]] void ipc_fast_user_context(Tcb* dest) { thread::detail::load_user_context(dest); }

/// A thread that blocked in the fast path runs again by a general-path switch
/// (ipc_fast.S's ipc_fast_resume, on any CPU): its Ipc result
/// into its saved user registers, as syscall_abi.cc would put them (EAX from,
/// ESI MR0, EBX MR1, EBP MR2), then the safe point, as every system call.
extern "C" void ipc_fast_resumed() {
    ipc::IpcResult result = ipc::fast_ipc_resumed();
    Tcb* self = thread::current();
    auto& f = *reinterpret_cast<TrapFrame*>(self->user_frame());
    f.eax = result.from.raw();
    f.esi = result.tag.raw();
    f.ebx = self->m_utcb->mr[1];
    f.ebp = self->m_utcb->mr[2];
    thread::kernel_exit();
}
