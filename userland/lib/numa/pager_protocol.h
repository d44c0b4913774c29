// pager_protocol.h: messages between the application pagers of the NUMA OS (thesis 4.2.1:
// "an IPC-based protocol" for what must reach every node's pager at once).
//
//   label   procedure         served by                   result
//   0x0D20  unmap(fpage)      a pager's unmap worker      1: unmapped from every space
//                                                         this pager mapped it into
//
// unmap: the worker unmaps `fpage` (a page of a pool, with the rights to take away) in
// its own pager's space, without flushing it there: L4's Unmap takes it out of every
// task space this pager mapped it into, and only there. A pager that takes a page away
// from a node asks the unmap worker of every pager of that node, and waits for every
// answer, before it goes on. The worker is a thread of its own, so a pager waiting for
// another's unmap can still have its own asked (no deadlock between two pagers). Only
// application pagers may call it: anybody else gets Refused, and nothing happens.
#pragma once

#include "api/word.h"
#include "l4/rpc.h"

namespace numa::pager_proto {
using api::Word;
using Unmap = l4::rpc::Proc<0x0D20, Word(Word fpage)>;
}  // namespace numa::pager_proto
