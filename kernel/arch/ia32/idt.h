// idt.h: the interrupt descriptor table, shared by all CPUs.
#pragma once

namespace ia32 {

/// Builds the IDT once, on the boot CPU: every vector points at its stub in
/// trap_entry.S; the breakpoint vector may be raised from ring 3.
void build_idt();

/// Loads IDTR on the calling CPU.
void load_idt();

}  // namespace ia32
