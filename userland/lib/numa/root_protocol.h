// root_protocol.h: the NUMA OS's messages between the root pager and the application
// pagers (thesis 4.2.1 and 4.2.2), as typed RPCs (l4/rpc.h).
//
// Start-up. The root pager's worker on CPU c creates pager c's space and thread on c
// and sends it the X.2 start message (IP, SP). The pager's first call, startup(), gets
// the start-up message: its CPU, node, pool node and the System record's address (it
// is an answer rather than a send of the worker's because the worker must be free to
// serve the pager's page faults until the pager is ready to receive). The pager then
// touches all its regions (each touch a page fault the worker serves) and calls
// ready(). From then on it takes no more page faults.
//
//   label   procedure                                      result
//   0x0D00  startup()                                      StartupInfo
//   0x0D01  ready()                                        1
//   0x0D02  create_thread(id, space, utcb, pager, ip, sp)  1: the thread runs at ip, sp
//   0x0D03  delete_thread(id)                              1
//   0x0D04  move_thread(id, cpu, pager)                    1
//   0x0D05  whereabouts() (served by a pager)              PagerWhereabouts
//   0x0D06  start_helper(ip, sp)                           the new thread's id
//   0x0D07  create_space(dummy)                            1: an inactive dummy thread in
//                                                          a new space on the worker's node
//   0x0D08  move_to_space(id, space, cpu, pager)           1: id is in space's space, on cpu
//
// The system-call server (0x0D02..0x0D04): only the root task may call ThreadControl and
// Schedule on other spaces' threads, so a pager asks the root pager's worker of a CPU
// to do it there: create_thread with space = nil makes a new space (its home node is
// the node of the worker's CPU: call the worker of a CPU on the node the space belongs
// to) with the OS's KIP and UTCB areas (os/layout.h), else puts the thread into the
// space of thread `space`; the thread gets pager `pager`, runs on the worker's CPU and
// starts at ip, sp. move_thread moves a thread to CPU `cpu` and, unless `pager` is nil,
// gives it that pager. Only application pagers may call them: anybody else gets
// Refused, and nothing happens.
//
// Thread migration across nodes (Lab 7, thesis 4.2.4): L4 names a space only by a
// thread in it, so a space on a node where a task has no thread yet is made with a
// dummy thread: create_space(dummy) makes `dummy` in a new space on the worker's CPU
// (its home node is that CPU's node), configured with the OS's KIP and UTCB areas,
// and leaves it inactive (it never runs). move_to_space(id, space, cpu, pager) puts
// thread `id` into the space of thread `space` (it keeps its UTCB address, registers
// and state; the kernel destroys the space it left if it was the last thread there),
// gives it pager `pager` and moves it to CPU `cpu`. The dummy is deleted with
// delete_thread. Only application pagers may call them.
//
// start_helper() makes a second thread in the calling pager's space, on its CPU, started
// at ip, sp, with the root pager's worker as its pager (PagerRecord::unmap_worker): the
// pager's unmap worker (apppager/unmap.h). Only a pager may call it, once.
//
// whereabouts() asks an application pager where it runs (the CPU the kernel runs it on
// when it answers) and what it was told; the root pager's tests call it.
#pragma once

#include "api/thread_id.h"
#include "api/word.h"
#include "l4/rpc.h"

namespace numa {

using api::ThreadId;
using api::Word;

struct StartupInfo {
    Word cpu;
    Word node;
    Word pool_node;
    Word system;  ///< the address of the System record (system.h)
};

struct PagerWhereabouts {
    Word running_cpu;  ///< l4::processor_no() while it answers
    Word cpu;
    Word node;
    Word pool_node;
};

namespace root_proto {
using l4::rpc::Void;
using Startup = l4::rpc::Proc<0x0D00, StartupInfo()>;
using Ready = l4::rpc::Proc<0x0D01, Word()>;
using CreateThread =
    l4::rpc::Proc<0x0D02, Word(ThreadId id, ThreadId space, Word utcb, ThreadId pager, Word ip, Word sp)>;
using DeleteThread = l4::rpc::Proc<0x0D03, Word(ThreadId id)>;
using MoveThread = l4::rpc::Proc<0x0D04, Word(ThreadId id, Word cpu, ThreadId pager)>;
using Whereabouts = l4::rpc::Proc<0x0D05, PagerWhereabouts()>;
using StartHelper = l4::rpc::Proc<0x0D06, ThreadId(Word ip, Word sp)>;
using CreateSpace = l4::rpc::Proc<0x0D07, Word(ThreadId dummy)>;
using MoveToSpace = l4::rpc::Proc<0x0D08, Word(ThreadId id, ThreadId space, Word cpu, ThreadId pager)>;
}  // namespace root_proto

}  // namespace numa
