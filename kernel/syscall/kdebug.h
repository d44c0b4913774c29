// kdebug.h: the kernel debugger interface as X.2 IA32 programs use it.
//
// A user program executes `int3` followed by a marker instruction that the
// kernel reads but the CPU never runs for it:
//   int3; cmpb $op, %al     op 0: print the character in AL
//                           op 1: print the NUL-terminated string at EAX
//                           op 2: clear the screen (nothing on a serial line)
//                           op 8, 0xD: read a character from COM1 into AL
//                                      (0xFF when none is waiting)
//                           op 0x50 (Proxima): kernel statistics into EAX,
//                                      by EAX: 0 free bytes in the kernel
//                                      memory pools, 1 mapping-database
//                                      nodes, 2 threads (TCBs in use),
//                                      3 page tables of all spaces, 4 nodes
//                                      running a copy of the kernel's code
//                                      (Lab 2), 0x100 + n free bytes of node
//                                      n's pool, 0x1000 + t the node of
//                                      thread number t's TCB page (Lab 3),
//                                      0x2000 + 16 a + b the SLIT distance
//                                      from node a to node b, 0x3000 + t the
//                                      home node of thread number t's space;
//                                      ~0 for an unknown selector.
//                           op 0x51 (Proxima): the physical address behind
//                                      user address EAX in the space of
//                                      thread number ECX, into EAX (~0:
//                                      nothing mapped, no such thread)
//                           op 0x52 (Proxima): the same, ~0 also where
//                                      the mapping is read-only (Lab 6)
//                           op 0x53 (Proxima): check the kernel's
//                                      invariants (syscall/kcheck.h): the
//                                      number of violations into EAX
//                           op 0x54 (Proxima): print what the kernel knows of
//                                      thread number EAX on one line (state,
//                                      CPU, move, deadline, partners, user IP)
//                                      for a failure report; EAX = 0, ~0 for
//                                      no such thread
//                                      Tests use them to check that nothing
//                                      leaks; the evaluation lab reads them.
//   int3; jmp 1f; mov $string, %eax; 1:
//                           enter the debugger: print the string, the thread
//                           and where, and stop the thread
// Output is collected per thread and printed a line at a time.
#pragma once

#include <stdint.h>

namespace kdebug {

/// Handles the int3 of the running thread at `ip` (the address after int3).
/// `eax` is the thread's EAX; returns the new EAX. Sets *stop when the
/// thread entered the debugger and must not run on.
uint32_t handle_breakpoint(uintptr_t ip, uint32_t eax, uint32_t ecx, bool* stop);

/// Reads `count` bytes of the running thread's memory at user address
/// `address`; false if any of them is not mapped (nothing is trusted).
bool read_user(uintptr_t address, void* out, uint32_t count);

}  // namespace kdebug
