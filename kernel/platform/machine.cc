// machine.cc: see machine.h.
#include "platform/machine.h"

namespace platform {
namespace {

Topology g_topology;

}  // namespace

const Topology& machine_topology() { return g_topology; }
Topology& machine_topology_for_boot() { return g_topology; }

}  // namespace platform
