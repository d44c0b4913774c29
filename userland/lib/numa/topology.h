// topology.h: the machine's NUMA shape as the NUMA OS sees it: processors and their nodes
// from the KIP, distances from the kernel (the KIP carries none: docs/kip-numa.md).
#pragma once

namespace numa {

/// The SLIT distance from node `from` to node `to` (10 = local); ~0 for a node the
/// machine does not have.
[[nodiscard]] unsigned node_distance(unsigned from, unsigned to);

}  // namespace numa
