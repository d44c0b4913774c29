/* ipc_fast_layout.h: where the IPC fast path (ipc_fast.S) finds what it reads
 * and writes: offsets into the kernel's objects, and the values it compares
 * with. The assembler cannot ask the compiler, so they are written down here
 * and ipc_fast_entry.cc checks every one of them against the C++ types with
 * static_assert: a change to a TCB, a space or the scheduler's per-CPU state
 * that moves one of these fields stops the build there, naming it.
 * (Usable from C++ and assembly.)
 */
#pragma once

/* The TrapFrame (trap.h), from the address ESP holds once the entry saved it
 * (its CS: FRAME_CS, layout.h). */
#define FRAME_ESI 0x04
#define FRAME_EBP 0x08
#define FRAME_EBX 0x10
#define FRAME_EDX 0x14
#define FRAME_EAX 0x1c
#define FRAME_SIZE 0x3c

/* thread::Tcb (thread/tcb.h). The kernel stack ends where the 4 KiB TCB page
 * does; the thread's user TrapFrame is at its top. */
#define TCB_GLOBAL_ID 0x00
#define TCB_CPU 0x04
#define TCB_SENDER_WORD 0x08 /* m_tcb_pending, m_cancel_pending, m_migrate_to, m_has_senders */
#define SENDER_WORD_FREE 0x00ff0000 /* flags clear, no move (m_migrate_to -1), nobody queued */
#define TCB_RUN_WORD 0x0e /* m_ran_here, m_wake, m_state, m_adopt_pending */
#define RUN_WORD_RECEIVING 0x00040001 /* ran here, woken by nobody yet, Receiving, not in an Adopt */
#define RUN_WORD_WOKEN 0x00020101 /* ran here, woken with the message (Done), Ready, not in an Adopt */
#define TCB_STATE 0x10 /* the state byte, then the three flags of one word */
#define TCB_SPACE 0x18
#define TCB_UTCB 0x1c
#define TCB_UTCB_LOCATION 0x20
#define TCB_UTCB_SEGMENT 0x24
#define TCB_IPC_SEQ 0x48
#define TCB_RECEIVE_FROM 0x68
#define TCB_RECEIVE_WORD 0x6c /* m_receive_timeout (2 bytes), m_has_receive, m_start_pending */
#define RECEIVE_WORD_WAITING 0x00010000 /* timeout never (0), a receive phase, no start message */
#define TCB_FAST_IPCS 0xb4
#define TCB_KERNEL_ESP 0x2b8
#define TCB_STACK_TOP 0x1000
#define TCB_USER_FRAME (TCB_STACK_TOP - FRAME_SIZE)

#define STATE_READY 2
#define STATE_RECEIVING 4

/* thread::detail::CpuScheduler, one per CPU in thread::detail::g_cpus
 * (thread/cpu_scheduler.h), whose slots are SCHED_SLOT_SIZE apart, with its
 * thread::SafePointWork (thread/safe_point.h). */
#define SCHED_CURRENT 0x00
#define SCHED_QUEUE_WORDS 0x30 /* the run queue's summary word: 0 when nothing is ready */
#define SCHED_SAFE_POINT 0x480 /* the safe point's word: 0 when it has nothing to do */
#define SCHED_SLOT_SIZE 0x4c0

/* mm::Space (mm/space.h): its per-CPU directories (physical; 0: none yet),
 * its IO bitmap (0: none) and the bitmap's generation (its key). */
#define SPACE_DIRECTORIES 0x110
#define SPACE_IO_BITMAP 0xc1c
#define SPACE_IO_GENERATION 0xc20

/* The running CPU's Gdt through FS (gdt.h, Gdt::Running). */
#define LOCAL_CPU_INDEX 0x00
#define LOCAL_IO_LOADED_KEY 0x08
#define LOCAL_IO_ENABLED 0x0c
#define LOCAL_UTCB_DESCRIPTOR 0x48
#define LOCAL_TSS_ESP0 0x254
#define LOCAL_IOMAP_BASE 0x2b6 /* the TSS's iomap_base: where the IO bitmap is */
#define IOMAP_ON 0x68         /* right behind the TSS */
#define IOMAP_OFF 0x2069      /* beyond the TSS's limit: no bitmap, no port */

/* The UTCB (api/utcb.h) at its kernel address: MR0, MR1, MR2. */
#define UTCB_MR0 0x100
#define UTCB_MR1 0x104
#define UTCB_MR2 0x108
#define UTCB_POINTER_OFFSET 0x100 /* a local thread id is its UTCB location + this */

/* X.2 IA32 values (api/thread_id.h, api/msg_tag.h). */
#define THREAD_ANY 0xffffffff
#define THREAD_ANY_LOCAL 0xffffffc0
#define LOCAL_ID_ZERO_BITS 0x3f /* a local id has these bits clear; a global id not */
#define TCB_ARRAY_SLOTS_MASK 0x00fff000 /* (thread number % 4096) * 4 KiB: the TCB array's 4096 slots */
#define TAG_TYPED_AND_FLAGS 0xffc0
#define TAG_UNTYPED 0x3f
