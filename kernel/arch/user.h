// user.h: what generic kernel code may ask of the architecture about user
// mode: saved user registers, kernel stacks of threads, switching.
//
// The IA32 implementation is arch/ia32/user_context.cc; the system-call
// register convention is decoded in arch/ia32/syscall/syscall_abi.cc, so generic
// code never sees a register by name.
//
// The end of this file declares the two functions of the scheduler that the
// trap code calls on every entry from user mode. They are declared here, in
// the architecture's interface, and defined above it (thread/scheduler.cc), so
// that the trap code includes nothing from a higher layer (docs/layers.md).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace arch {

/// The user registers a thread left user mode with (IA32: the TrapFrame at
/// the top of its kernel stack). Opaque to generic code.
struct UserFrame;

/// Bytes the UserFrame takes at the top of a kernel stack.
size_t user_frame_size();

/// The UserFrame of a thread whose kernel stack ends at `stack_top`.
UserFrame* user_frame_at(uintptr_t stack_top);

uintptr_t user_ip(const UserFrame* frame);
uintptr_t user_sp(const UserFrame* frame);
uint32_t user_flags(const UserFrame* frame);
void set_user_ip(UserFrame* frame, uintptr_t ip);
void set_user_sp(UserFrame* frame, uintptr_t sp);
/// Sets the flags a user thread may change (arithmetic flags, direction);
/// interrupts stay enabled and IOPL 0, whatever `flags` says.
void set_user_flags(UserFrame* frame, uint32_t flags);

/// Builds the kernel stack of a new user thread, ending at `stack_top`: a
/// UserFrame that enters user mode at (ip, sp) with zeroed registers, below
/// it a switch frame that starts in thread_started() the first time the
/// thread is switched to. Returns the stack pointer to switch to.
uint32_t prepare_user_thread_stack(uintptr_t stack_top, uintptr_t ip, uintptr_t sp);

/// The same for a kernel thread (the idle threads) that starts in `entry`.
uint32_t prepare_kernel_thread_stack(uintptr_t stack_top, void (*entry)());

/// Saves the current kernel context into *save_esp and resumes the one
/// saved in *next_esp (both from prepare_* or an earlier switch). On IA32 a
/// 0 there is a thread that blocked in the IPC fast path, which keeps no
/// context (arch/ia32/switch.S).
void switch_stacks(uint32_t* save_esp, const uint32_t* next_esp);

/// The UTCB segment (%gs) of a thread whose UTCB is at user address
/// `utcb_location`, as set_user_context() takes it: computed once, when the
/// thread gets its UTCB, not on every switch to it.
uint64_t utcb_segment(uintptr_t utcb_location);

/// Sets up the calling CPU for running a user thread: the kernel stack the
/// next trap uses, the UTCB segment (%gs, from utcb_segment()) and the IO
/// permission bitmap (null: no ports; `io_key` changes whenever the bitmap's
/// contents do).
void set_user_context(uintptr_t kernel_stack_top, uint64_t utcb_segment, const uint8_t* io_bitmap,
                      uintptr_t io_key);

}  // namespace arch

namespace thread {

/// Whether this CPU schedules threads yet: until then a trap from user mode
/// cannot happen, and the trap code treats every trap as the kernel's.
bool scheduling();

/// The safe point on the way back to user mode (thread/scheduler.h): handles
/// this CPU's inbox of remote requests, expires timeouts and switches threads
/// when a switch is due. The trap code calls it after every trap from user mode.
void kernel_exit();

}  // namespace thread
