// machine.h: the topology of the machine we booted on, for the rest of the kernel.
#pragma once

#include "platform/topology.h"

namespace platform {

/// Valid after boot has built it; read-only from then on.
const Topology& machine_topology();
Topology& machine_topology_for_boot();

}  // namespace platform
