// server.h: sigma0's protocol loop: page faults, sigma0 requests and IO faults.
//
// Messages sigma0 answers (labels as 16-bit values; kernel/api/msg_tag.h):
//   -2 << 4 | rwx  page fault: MR1 fault address, MR2 IP. Answer: the 4 KiB page at the
//                  fault address, 1:1, if the faulter may have it; else no answer (the
//                  faulter stays blocked, and sigma0 prints why).
//   -6 << 4        request: MR1 fpage (base ~0: any page of that size; an IO fpage:
//                  ports), MR2 attributes. Answer: a map item; its fpage is nil when the
//                  request is refused. Proxima: if MR2 has kNodeAttribute set, the
//                  memory must lie on NUMA node MR2 & kNodeMask (docs/kip-numa.md):
//                  "any" picks a free page of that node, an address not on it is
//                  refused, and so is a node without (free) memory.
//   -8 << 4 | rwx  IO fault: MR1 IO fpage, MR2 IP. Answer: those ports.
// Sigma0 owns the whole IO space and hands ports to anyone who asks. It says why it
// refused a fault or ignored a message for the first few of each, then only counts
// every thousandth (a client's stream of bad messages must not flood the console).
// Every answer is a map item whose send base is the physical address, so a receiver
// with the complete address space as its window gets the memory 1:1.
#pragma once

#include "l4/sigma0_client.h"
#include "physical_memory.h"

namespace sigma0 {

/// Proxima's sigma0 request attributes (MR2), as its clients set them.
using l4::sigma0::kNodeAttribute;
using l4::sigma0::kNodeMask;

[[noreturn]] void serve(PhysicalMemory& memory);

}  // namespace sigma0
