# proxima_numa.py: the machine's NUMA topology and the per-node kernel memory
# pools of Lab 1, for the Proxima GDB commands: the command proxima-numa,
# and the translation of pool memory that proxima-space walks page tables with.
#
# The topology is platform::machine_topology(), the struct Topology in
# `platform::g_topology` (platform/topology.h, platform/machine.cc) that
# build_machine_topology() fills in from ACPI early in kernel_main. The pools
# are `kmem::g_pools`, a PerNode<mm::NodePool> (mm/pool_layout.cc); each
# pool's memory is mapped at phys + its own offset, virt_base - phys_base
# (mm/kmem.h). A pool's free list is a chain of FreeBlock headers inside the
# free memory, sorted by address (mm/node_pool.h); Lab 1 writes it, so the
# command walks it with checks instead of trusting it.

import gdb

from proxima_kernel import ProximaCommand, array_length, enum_name, static_variable

TOPOLOGY_SYMBOL = "platform::(anonymous namespace)::g_topology"
POOLS_SYMBOL = "kmem::(anonymous namespace)::g_pools"


def machine_topology():
    """The kernel's Topology, once build_machine_topology() has filled it in."""
    topology = static_variable(TOPOLOGY_SYMBOL)
    nodes, cpus = int(topology["num_nodes"]), int(topology["num_cpus"])
    if not (0 < nodes <= array_length(topology["nodes"]) and 0 < cpus <= array_length(topology["cpus"])):
        raise gdb.GdbError("the kernel has not read the NUMA topology yet (%d nodes, %d cpus): "
                           "too early in boot, stop after build_machine_topology() in kernel_main" % (nodes, cpus))
    return topology


def kmem_pools():
    """[(node, mm::NodePool value)] for every slot of g_pools, empty pools too."""
    slots = static_variable(POOLS_SYMBOL)["m_slots"]
    return [(node, slots[node]["value"]) for node in range(array_length(slots))]


def pool_translation():
    """A function mapping a physical address in a kmem pool to its kernel address."""
    pools = [(int(pool["m_phys_base"]), int(pool["m_virt_base"]), int(pool["m_size"]))
             for _, pool in kmem_pools() if int(pool["m_size"])]

    def to_virt(phys):
        for phys_base, virt_base, size in pools:
            if phys_base <= phys < phys_base + size:
                return virt_base + (phys - phys_base)
        raise gdb.GdbError("page table at physical %#x is in no kmem pool" % phys)

    return to_virt


def size_text(size):
    return "%d KiB" % (size // 1024) if size % 1024 == 0 else "%d bytes" % size


def walk_free_list(pool):
    """(blocks, bytes, largest, problem) of a pool's free list. problem is None
    for a list of whole granules inside the pool in ascending address order,
    else what is wrong with the first block that breaks it (the walk stops there)."""
    granule = int(gdb.parse_and_eval("mm::NodePool::kGranule"))
    base = int(pool["m_virt_base"])
    end = base + int(pool["m_size"])
    lowest = base  # where the next block may start: after the one before it
    blocks = total = largest = 0
    block = pool["m_free"]
    while int(block) != 0:
        address = int(block)
        if not base <= address < end:
            return blocks, total, largest, "free block %#x is outside the pool" % address
        if address < lowest:
            return blocks, total, largest, "free block %#x starts below the end of the block before it" % address
        size = int(block.dereference()["size"])
        if size == 0 or size % granule or address + size > end:
            return blocks, total, largest, "free block %#x has size %d" % (address, size)
        blocks, total, largest = blocks + 1, total + size, max(largest, size)
        lowest = address + size
        block = block.dereference()["next"]
    return blocks, total, largest, None


def describe_pool(pool):
    """The pool's usage line: used and free bytes, the free list, the lock."""
    size, free = int(pool["m_size"]), int(pool["m_free_bytes"])
    blocks, listed, largest, problem = walk_free_list(pool)
    text = "  used %s, free %s in %d block%s (largest %s)" % (
        size_text(size - free), size_text(free), blocks, "" if blocks == 1 else "s", size_text(largest))
    if problem:
        text += "; FREE LIST BROKEN: %s" % problem
    elif listed != free:
        text += "; the free list holds %s, m_free_bytes says %s" % (size_text(listed), size_text(free))
    lock = pool["m_lock"]
    if int(lock["m_next"]) != int(lock["m_serving"]):
        text += "; locked (a CPU is changing it)"
    return text


class ProximaNuma(ProximaCommand):
    """Print the NUMA topology the kernel read at boot and each node's kernel memory pool.

Usage: proxima-numa

The first lines are those the kernel prints at boot (platform/acpi/
topology_report.h): the number of nodes and CPUs, then per node its CPUs
(logical numbers), its memory ranges [base-end) and its row of the SLIT
distance matrix (to nodes 0..N-1). Then where the topology came from (Srat,
SingleNode, or Fake for numa=fake:N), the firmware's proximity domain of
each node, the local APIC id of each CPU, and the local APIC's address.

Then each node's kmem pool (Lab 1, mm/node_pool.h), its first line as at
boot (mm/pool_layout.cc): physical range, kernel virtual base, size. Below
it what is used and free (NodePool's m_free_bytes), and a walk of the free
list: how many blocks, the largest. An untouched pool, or one whose blocks
were all freed again, is one block. The walk checks the list (each block
inside the pool, a multiple of the 1 KiB granule, in address order) and
names the first block that breaks it; it says so too when the list's total
differs from m_free_bytes, or when the pool's lock is held. A node without
memory has no pool."""

    def __init__(self):
        super().__init__("proxima-numa")

    def run(self, argument):
        topology = machine_topology()
        num_nodes, num_cpus = int(topology["num_nodes"]), int(topology["num_cpus"])
        cpus = [topology["cpus"][cpu] for cpu in range(num_cpus)]
        print("topology: nodes=%d cpus=%d" % (num_nodes, num_cpus))
        for n in range(num_nodes):
            node = topology["nodes"][n]
            node_cpus = [str(cpu) for cpu in range(num_cpus) if int(cpus[cpu]["node"]) == n]
            ranges = ["%#x-%#x" % (int(node["ranges"][r]["base"]), int(node["ranges"][r]["end"]))
                      for r in range(int(node["num_ranges"]))]
            distances = [str(int(topology["distance"][n][to])) for to in range(num_nodes)]
            print("node %d: cpus=%s mem=%s distance=%s" % (n, ",".join(node_cpus) or "-", ",".join(ranges) or "-",
                                                           ",".join(distances)))
        print("source %s, proximity domains %s, apic ids %s, local APIC at %#x" % (
            enum_name(topology["source"]),
            ",".join(str(int(topology["nodes"][n]["proximity_domain"])) for n in range(num_nodes)),
            ",".join(str(int(cpu["apic_id"])) for cpu in cpus), int(topology["lapic_phys"])))
        pools = kmem_pools()[:num_nodes]
        if all(int(pool["m_size"]) == 0 for _, pool in pools):
            print("kmem: no pools yet (kmem::boot_init has not built them)")
            return
        for n, pool in pools:
            if int(pool["m_size"]) == 0:
                print("kmem: node %d has no pool (no free memory)" % n)
                continue
            phys = int(pool["m_phys_base"])
            print("kmem: node %d pool phys %#x-%#x virt %#x size %s" % (
                n, phys, phys + int(pool["m_size"]), int(pool["m_virt_base"]), size_text(int(pool["m_size"]))))
            print(describe_pool(pool))


ProximaNuma()
