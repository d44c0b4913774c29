// idt.h: the interrupt descriptor table, shared by all CPUs.
#pragma once

namespace ia32 {

/// Builds the IDT once, on the boot CPU: every vector points at its stub in
/// trap_entry.S; the breakpoint vector may be raised from ring 3.
void build_idt();

/// Points the Ipc and Lipc vectors at the IPC fast path's entries
/// (syscall/ipc_fast.S's ipc_entry, lipc_entry) or, when `on` is false, at their
/// stubs like every other vector (the general path only). Once, on the boot
/// CPU, before any user thread runs.
void route_ipc_vectors(bool on);

/// Loads IDTR on the calling CPU.
void load_idt();

}  // namespace ia32
