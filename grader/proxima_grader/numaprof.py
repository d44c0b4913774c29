"""numaprof's view of a machine: which physical addresses each NUMA node owns and
which node each vCPU sits on, as the -plugin arguments of tools/numaprof/numaprof.c,
and its report's NUMAPROF lines read back (docs/profiling.md).

The layout follows from the machine's QEMU options (config/topologies.conf), the way
QEMU's pc machine lays them out:

  - guest RAM starts at physical 0 and holds the nodes' memory backends in
    node order: node 0's size first, then node 1's, ... A node without a
    memdev owns no memory. The legacy VGA and BIOS window [0xA0000, 0x100000)
    is no node's (device memory and ROM: numaprof counts it as "other").
  - `-numa node,nodeid=N,cpus=A-B` puts CPU indices A..B on node N (cpus= may
    repeat); a CPU in no node is on node 0, as QEMU puts it.
  - a machine without -numa is one node with all of -m and every CPU.

Machines of up to 2 GiB only: there all RAM lies below the PCI hole.

The ranges given to the plugin are in the addresses QEMU's plugin API reports
(qemu_plugin_hwaddr_phys_addr), which in QEMU 7.2 are not always the guest's
physical ones (seen with Debian's 7.2, where 2x2's node-1 accesses came back
0x10000000 too high): for RAM it answers the RAM block's offset among QEMU's
RAM blocks plus the offset in the block. For the first memory backend (node 0,
and a machine without -numa) that is the physical address; for a later backend
it is the physical address plus the backend's RAM-block offset, the sum of the
sizes of the backends created before it (in -object order). So 2x2's node 1,
physical [0x10000000, 0x20000000), is reported as [0x20000000, 0x30000000).
The known-pattern test (tests/profile/test_numaprof.py) checks this against the
guest; true_phys=True gives the physical ranges, for a QEMU that reports those.

Used by scripts/profile/plugin_args.py (make qemu PROFILE=numa), grade.py run
--profile, the known-pattern test and make eval.
"""
import re

VGA_HOLE = (0xA0000, 0x100000)
MAX_RAM = 2 << 30
SIZE = re.compile(r"^(\d+)([KMGT]?)B?$", re.I)


def parse_size(text, default_unit="M"):
    """QEMU's sizes: a number with an optional K/M/G/T suffix (-m defaults to MiB)."""
    m = SIZE.match(text.strip())
    if not m:
        raise ValueError(f"bad size '{text}'")
    unit = (m.group(2) or default_unit).upper()
    return int(m.group(1)) << {"K": 10, "M": 20, "G": 30, "T": 40, "B": 0}[unit]


def suboptions(text):
    """'node,nodeid=0,cpus=0-1' -> ('node', [('nodeid', '0'), ('cpus', '0-1')])."""
    first, *rest = text.split(",")
    pairs = [tuple(item.split("=", 1)) if "=" in item else (item, "") for item in rest]
    return first, pairs


def cpu_list(text):
    lo, _, hi = text.partition("-")
    return range(int(lo), int(hi or lo) + 1)


def machine_layout(options, true_phys=False):
    """(cpu_nodes list, {node: [(base, end), ...]}) for a list of QEMU options: the
    ranges as QEMU 7.2's plugin API reports them, or physical with true_phys."""
    values = list(zip(options, options[1:]))
    smp = next((v for f, v in values if f == "-smp"), "1")
    cpus = next((int(n) for k, _, n in (p.rpartition("=") for p in smp.split(",")) if k in ("", "cpus")), 1)
    mem = next((v for f, v in values if f == "-m"), "128M")
    ram = parse_size(mem.split(",")[0].removeprefix("size="))
    backends = {}  # id -> (size, offset of its RAM block: the sizes of the backends before it)
    ram_blocks = 0
    nodes = {}  # node id -> (size or None, [cpus])
    for flag, value in values:
        kind, pairs = suboptions(value)
        if flag == "-object" and kind == "memory-backend-ram":
            opts = dict(pairs)
            size = parse_size(opts["size"], "B")
            backends[opts["id"]] = (size, ram_blocks)
            ram_blocks += size
        elif flag == "-numa" and kind == "node":
            node_id = int(dict(pairs).get("nodeid", len(nodes)))
            size, node_cpus = None, []
            for key, val in pairs:
                if key == "cpus":
                    node_cpus.extend(cpu_list(val))
                elif key == "memdev":
                    size = ("memdev", val)
                elif key == "mem":
                    size = ("mem", val)
            nodes[node_id] = (size, node_cpus)
    if ram > MAX_RAM:
        raise ValueError(f"{ram >> 20} MiB of RAM: plugin_args.py knows the layout up to {MAX_RAM >> 20} MiB")
    cpu_nodes = [0] * cpus
    if not nodes:
        return cpu_nodes, {0: split_hole(0, ram)}
    ranges, base = {}, 0
    for node_id in sorted(nodes):
        size, node_cpus = nodes[node_id]
        for cpu in node_cpus:
            if cpu < cpus:
                cpu_nodes[cpu] = node_id
        if size is None:
            continue
        length, shift = backends[size[1]] if size[0] == "memdev" else (parse_size(size[1]), 0)
        shift = 0 if true_phys else shift
        ranges[node_id] = [(b + shift, e + shift) for b, e in split_hole(base, base + length)]
        base += length
    return cpu_nodes, ranges


def split_hole(base, end):
    """[base, end) without the VGA and BIOS window."""
    parts = [(base, min(end, VGA_HOLE[0])), (max(base, VGA_HOLE[1]), end)]
    return [(b, e) for b, e in parts if b < e]


def plugin_arguments(options, true_phys=False):
    cpu_nodes, ranges = machine_layout(options, true_phys)
    args = [f"mem{node}=" + ":".join(f"{b:#x}-{e:#x}" for b, e in ranges[node]) for node in sorted(ranges)]
    args.append("cpunodes=" + ":".join(str(n) for n in cpu_nodes))
    return args


def plugin_option(plugin, options, *extra, true_phys=False):
    """The -plugin option's value: the plugin file, then its arguments for the machine
    of `options` (a list of QEMU options), then `extra` key=value words."""
    return ",".join([str(plugin), *plugin_arguments(options, true_phys), *extra])


LINE = re.compile(r"^NUMAPROF (.*)$", re.M)


def numaprof_rows(text):
    """Each NUMAPROF line of a report as a dict of its key=value words ('total' ->
    total=True)."""
    rows = []
    for match in LINE.finditer(text):
        row = {}
        for word in match.group(1).split():
            key, eq, value = word.partition("=")
            row[key] = value if eq else True
        rows.append(row)
    return rows
