// sigma0_client.h: asking sigma0 for memory and IO ports (the X.2 sigma0 protocol).
//
// A request is a call to sigma0 with label -6 << 4 and two untyped words:
//   MR1  the fpage wanted: a memory fpage at the wanted address, or with base ~0 for
//        "any page of this size", or an IO fpage (ports)
//   MR2  attributes (0: ordinary memory). Proxima: (1 << 31) | node asks for memory on
//        that NUMA node (docs/kip-numa.md); a sigma0 without the extension ignores it
// The answer carries one map item. Its fpage is nil when sigma0 refuses (the memory is
// reserved, or already another thread's). Where the page lands in the caller's space
// is the map rule's business: send base modulo the receive window (`window`), so with
// the complete address space as window sigma0's pages appear 1:1.
#pragma once

#include "api/fpage.h"
#include "api/thread_id.h"

namespace l4::sigma0 {

using api::Fpage;
using api::IoFpage;

/// Proxima's request attributes (MR2): bit 31 says "memory on the node in bits 7..0"
/// (sigma0's server and its tests read them here).
inline constexpr api::Word kNodeAttribute = api::Word{1} << 31;
inline constexpr api::Word kNodeMask = 0xFF;
/// The base of an fpage that asks for any page of its size.
inline constexpr api::Word kAnyBase = ~api::Word{0};

/// MR2 of a request for memory on NUMA node `node`.
[[nodiscard]] constexpr api::Word on_node(unsigned node) { return kNodeAttribute | node; }

/// The page(s) `fpage` names, received into `window`; nil fpage if refused.
Fpage request(Fpage fpage, Fpage window);
/// Any free page of 2^log2_size bytes, received into `window`.
Fpage request_any(unsigned log2_size, Fpage window);
/// Proxima: any free page of 2^log2_size bytes on NUMA node `node`, received into
/// `window`; nil fpage if that node has none.
Fpage request_on_node(unsigned node, unsigned log2_size, Fpage window);
/// The IO ports `ports`; nil fpage if refused.
Fpage request_io(IoFpage ports);

/// Where a page sigma0 sent lands in a receive window: window base + (send base modulo
/// the window size).
[[nodiscard]] api::Word landing_address(api::Word send_base, Fpage window);

}  // namespace l4::sigma0
