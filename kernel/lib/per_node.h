// per_node.h: PerNode<T>, one T for each NUMA node, visible in the type.
//
//   PerNode<NodePool> pools;
//   pools.on(node).try_alloc(size);
//
// Unlike PerCpu<T> there is no current(): a CPU's node is a fact of the
// topology (platform::machine_topology().cpus[cpu].node), and code that means
// "my node" should say so. Slots sit on separate cache lines.
#pragma once

#include "platform/topology.h"

template <typename T>
class PerNode {
public:
    T& on(unsigned node) { return m_slots[node].value; }
    const T& on(unsigned node) const { return m_slots[node].value; }

private:
    struct alignas(64) Slot {
        T value;
    };
    Slot m_slots[platform::kMaxNodes];
};
