// kdebug.h: the kernel debugger interface: console output and input through `int3`.
//
// `int3` followed by `cmpb $op, %al` asks the kernel for service `op` (the cmpb is
// never executed as such: the kernel reads its immediate and skips it):
//   op 0   print the character in AL
//   op 1   print the NUL-terminated string at EAX
//   op 0xD read a character from the serial port, 0xFF when none is waiting
//   op 0x50 Proxima's kernel statistics (EAX selects; see Statistic)
//   op 0x51 Proxima: the physical address behind EAX in the space of thread number ECX
//   op 0x52 Proxima: the same, only where that space may write
//   op 0x53 Proxima: check the kernel's invariants; the number of violations in EAX
//   op 0x54 Proxima: print the kernel's view of thread number EAX (describe_thread)
// `int3; jmp; mov $string, %eax` (enter()) prints the string and stops the thread.
// docs/user-boot.md states this convention; Pistachio's l4/ia32/kdebug.h uses the same.
#pragma once

namespace l4::kdebug {

void putchar(char c);
/// One kernel call for the whole string, so lines from several threads do not mix.
void puts(const char* s);
/// A character from the serial port, or -1 when none is waiting.
int try_getchar();
/// What kernel_statistic() reads: counts that must come back to where they were
/// once everything a test made is gone (leak checks), and a switch the tests
/// read to know what to expect.
enum class Statistic : unsigned {
    FreeKernelBytes = 0,
    MappingNodes = 1,
    Threads = 2,
    PageTables = 3,    ///< page tables of all spaces (Lab 2)
    CodeCopies = 4,    ///< nodes running their own copy of the kernel's code (Lab 2)
    TcbMoves = 5,      ///< TCB pages moved to another node with their threads (Lab 3)
    TcbSlotFlushes = 6,  ///< TLB entries of TCB slots forgotten by moves, summed over CPUs (Lab 3)
    TcbMovesDeferred = 7,  ///< moves put off until the thread was quiet (Lab 3)
    Spaces = 8,            ///< address spaces that exist (Lab 7: the last thread to leave one ends it)
    FastPathOn = 9,        ///< 1 when the IPC fast path is on, 0 when booted with fastpath=off
    SysenterOn = 10,       ///< 1 when the KIP's Ipc stub enters by sysenter, 0 by int (sysenter=off)
};
unsigned kernel_statistic(Statistic which);
/// Free bytes of node `node`'s kernel memory pool (~0 for no such node).
unsigned kernel_pool_free_bytes(unsigned node);
/// The node whose kernel pool holds thread number `number`'s TCB page (~0:
/// no such thread), read from the kernel's page table (Lab 3).
unsigned tcb_node(unsigned number);
/// The node whose kernel pool holds thread number `number`'s UTCB (~0: no such
/// thread, or no UTCB yet): its space's home node, also after a move (Lab 7).
unsigned utcb_node(unsigned number);
/// How many Ipcs thread number `number` has sent through the kernel's IPC fast path
/// (~0: no such thread); kernel/ipc/fast_path.h says which IPCs it takes.
unsigned fast_ipcs(unsigned number);
/// The SLIT distance from node `from` to node `to` (~0: no such node); the KIP does
/// not carry distances (docs/kip-numa.md).
unsigned node_distance(unsigned from, unsigned to);
/// The home node of the space thread number `number` lives in (~0: no such thread).
unsigned space_home_node(unsigned number);
/// The physical address behind `address` in the space of thread number `number`, read
/// from that space's page table (~0: nothing mapped there, or no such thread).
unsigned physical_in_space(unsigned number, unsigned address);
/// The same, but ~0 also where the mapping is read-only (Lab 6).
unsigned writable_in_space(unsigned number, unsigned address);
/// Has the kernel check its own invariants (the TCB array, the run queues, the
/// mapping database: kernel/syscall/kcheck.h); it prints what it finds for the
/// grader and returns how many violations. end_run() calls it.
unsigned check_invariants();
/// Has the kernel print on one line what it knows of thread number `number`: its
/// state, CPU, a move under way, its deadline, whom it waits for, how it last woke,
/// its user IP and SP ("kdebug: thread ..."). For a test that waited for a thread in
/// vain. False if no thread has that number.
bool describe_thread(unsigned number);

/// Print `message` and where we are, and stop this thread in the kernel debugger.
[[noreturn]] void enter(const char* message);

}  // namespace l4::kdebug
