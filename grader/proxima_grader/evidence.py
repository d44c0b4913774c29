"""Evidence: values a test reports that the grader checks on its own.

A PASS line says the kernel's own checks held. Where a test can also report
what it saw, and the grader can work out from the machine's definition (the
preset's QEMU options) or the test's parameters what that must be, the stage
names a check for it:

    [[tests]]
    name = "lab1.pools_in_srat_ranges"
    points = 10
    evidence = "pool_ranges"

and the test prints, before its PASS,

    KTEST <nonce> <name> EVIDENCE <key=value ...>

(`t.evidence(...)`, kernel/test/ktest.h). The (test, preset) pair earns its
points only if the test passed and its evidence agrees with the check below;
a PASS without the evidence, or with evidence that contradicts the machine,
is a FAIL that says why. The checks:

    pool_ranges   one line per NUMA node: node=N pool=0xBASE-0xEND or pool=none.
                  Every node of the machine once; each pool inside its node's
                  memory as QEMU lays it out (-numa node,...,memdev= in node
                  order, sizes from -object memory-backend-ram; so no two
                  pools overlap); at least one.
    granules      node=N granules=G pool_kib=K per node with a pool: K is the
                  pool size the kernel was given (kmem=, default 8 MiB) and a
                  pool of K KiB holds exactly K one-byte (1 KiB) blocks.
    code_nodes    cpu=C node=N code_frame=0xF ... per CPU: every CPU of the
                  machine once, on the node the machine gives it, and the
                  frame its kernel code runs from lies in the memory of the
                  node that serves that node (itself, or the nearest node with
                  memory by the machine's -numa dist, ties by number); with
                  replicate=off, in the memory of the node that holds the image
                  (loaded at 1 MiB).
"""

from __future__ import annotations

import re

from .presets import Preset

CHECKS = ("pool_ranges", "granules", "code_nodes")
IMAGE_PHYS = 0x100000  # where the loader puts the kernel (kernel/arch/ia32/kernel.ld)
DEFAULT_POOL_KIB = 8 * 1024  # kmem= default (kernel/platform/boot_options.h)
_SIZE = re.compile(r"(\d+)([KMGT]?)B?", re.I)
_UNITS = {"": 1 << 20, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}  # QEMU: plain numbers are MiB


class EvidenceError(ValueError):
    """A stage that names an evidence check the grader does not have."""


def _size(text: str) -> int | None:
    m = _SIZE.fullmatch(text.strip())
    return int(m[1]) * _UNITS[m[2].upper()] if m else None


def node_memory(preset: Preset) -> list[tuple[int, int] | None] | None:
    """Each node's physical memory [start, end) as QEMU lays it out, in node
    order (None for a node without memory); None when the options say too
    little to know (no -m, or a layout this function does not model)."""
    options = list(preset.options)
    values = lambda flag: [options[i + 1] for i, o in enumerate(options[:-1]) if o == flag]  # noqa: E731
    total = next((_size(v.split(",")[0]) for v in values("-m")), None)
    if total is None or total > 3 << 30:  # above 3 GiB QEMU splits RAM around the PCI hole
        return None
    backends = {}
    for value in values("-object"):
        fields = dict(part.partition("=")[::2] for part in value.split(",")[1:])
        if value.startswith("memory-backend-ram") and "id" in fields and "size" in fields:
            backends[fields["id"]] = _size(fields["size"])
    nodes = [dict(part.partition("=")[::2] for part in v.split(",")[1:])
             for v in values("-numa") if v.startswith("node")]
    if not nodes:
        return [(0, total)]
    layout, base = [], 0
    for node in sorted(nodes, key=lambda n: int(n.get("nodeid", 0))):
        size = backends.get(node.get("memdev", ""), 0) if "memdev" in node else _size(node.get("mem", "0")) or 0
        layout.append((base, base + size) if size else None)
        base += size or 0
    return layout if base == total else None


def _items(lines: list[str]) -> list[dict[str, str]]:
    return [dict(word.partition("=")[::2] for word in line.split() if "=" in word) for line in lines]


def _pool_ranges(lines: list[str], preset: Preset, kargs: tuple[str, ...]) -> str | None:
    if any(k.startswith("numa=") for k in kargs):
        return None  # fake or no NUMA: the machine's definition says nothing of the nodes
    layout = node_memory(preset)
    if layout is None:
        return None
    pools, seen = [], set()
    for item in _items(lines):
        node = item.get("node", "")
        if not node.isdigit() or int(node) >= len(layout) or int(node) in seen or "pool" not in item:
            return f"evidence line {item} names no node of the {len(layout)}-node machine once"
        seen.add(int(node))
        if item["pool"] == "none":
            continue
        m = re.fullmatch(r"0x([0-9a-f]+)-0x([0-9a-f]+)", item["pool"])
        if not m or int(m[1], 16) >= int(m[2], 16):
            return f"node {node}: '{item['pool']}' is not a range"
        start, end = int(m[1], 16), int(m[2], 16)
        memory = layout[int(node)]
        if memory is None or start < memory[0] or end > memory[1]:
            where = "has no memory" if memory is None else f"has memory {memory[0]:#x}-{memory[1]:#x}"
            return f"node {node}'s pool {start:#x}-{end:#x} is not in its memory: on {preset.name} node {node} {where}"
        pools.append((start, end))
    if seen != set(range(len(layout))):
        return f"evidence for nodes {sorted(seen)}, but {preset.name} has {len(layout)} nodes"
    if not pools:
        return "no node has a pool"
    return None


def _granules(lines: list[str], preset: Preset, kargs: tuple[str, ...]) -> str | None:
    pool_kib = DEFAULT_POOL_KIB
    for option in kargs:
        if option.startswith("kmem="):
            size = _size(option[5:])
            if size is None:
                return None
            pool_kib = size // 1024
    for item in _items(lines):
        if item.get("pool_kib") != str(pool_kib):
            return f"a pool of {item.get('pool_kib')} KiB, but the kernel was given {pool_kib} KiB pools"
        if item.get("granules") != str(pool_kib):
            return f"node {item.get('node')}: {item.get('granules')} one-byte blocks from a {pool_kib} KiB pool"
    return None


def cpu_nodes(preset: Preset) -> list[int] | None:
    """The node of each CPU (QEMU CPU index order) from -numa node,cpus=, or
    None when the options do not say (CPUs QEMU would place by itself)."""
    cpus = preset.cpus or 1
    options = list(preset.options)
    nodes = [dict(part.partition("=")[::2] for part in v.split(",")[1:])
             for flag, v in zip(options, options[1:]) if flag == "-numa" and v.startswith("node")]
    if not nodes:
        return [0] * cpus
    owner: list[int | None] = [None] * cpus
    for node in nodes:
        # cpus=A-B (QEMU also allows cpus=A:cpus=B, not used by the presets)
        spec = node.get("cpus")
        if spec is None:
            continue
        first, _, last = spec.partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            return None
        for cpu in range(int(first), int(last or first) + 1):
            if cpu >= cpus:
                return None
            owner[cpu] = int(node.get("nodeid", 0))
    return None if None in owner else [n for n in owner if n is not None]


def distances(preset: Preset, count: int) -> list[list[int]]:
    """The SLIT QEMU builds: -numa dist entries (a missing reverse entry takes
    the given one's value), 10 on the diagonal, 20 without any -numa dist."""
    options = list(preset.options)
    given = {}
    for flag, value in zip(options, options[1:]):
        if flag == "-numa" and value.startswith("dist"):
            f = dict(part.partition("=")[::2] for part in value.split(",")[1:])
            given[(int(f["src"]), int(f["dst"]))] = int(f["val"])
    table = [[10 if a == b else 20 for b in range(count)] for a in range(count)]
    if given:
        for (a, b), value in given.items():
            table[a][b] = value
            if (b, a) not in given:
                table[b][a] = value
    return table


def _code_nodes(lines: list[str], preset: Preset, kargs: tuple[str, ...]) -> str | None:
    if any(k.startswith("numa=") or k.startswith("kmem=") or k == "smp=off" for k in kargs):
        return None  # the nodes, or whether a pool holds a copy, are not the machine's to say
    layout, owners = node_memory(preset), cpu_nodes(preset)
    if layout is None or owners is None:
        return None
    table = distances(preset, len(layout))
    with_memory = [n for n, memory in enumerate(layout) if memory is not None]

    def serving(node: int) -> int:
        return min(with_memory, key=lambda other: (table[node][other], other))

    image = next((n for n, memory in enumerate(layout) if memory and memory[0] <= IMAGE_PHYS < memory[1]), None)
    seen = set()
    for item in _items(lines):
        cpu, node, frame = item.get("cpu", ""), item.get("node", ""), item.get("code_frame", "")
        if not cpu.isdigit() or int(cpu) >= len(owners) or int(cpu) in seen:
            return f"evidence line {item} names no cpu of the {len(owners)}-cpu machine once"
        seen.add(int(cpu))
        if node != str(owners[int(cpu)]):
            return f"cpu {cpu} is on node {owners[int(cpu)]} of {preset.name}, not on node {node}"
        try:
            address = int(frame, 16)
        except ValueError:
            return f"cpu {cpu}: '{frame}' is not a frame address"
        want = image if "replicate=off" in kargs else serving(owners[int(cpu)])
        memory = layout[want] if want is not None else None
        if memory is None or not memory[0] <= address < memory[1]:
            return (f"cpu {cpu} (node {node}) runs kernel code from {address:#x}, not from node {want}'s memory"
                    + (f" {memory[0]:#x}-{memory[1]:#x}" if memory else ""))
    if seen != set(range(len(owners))):
        return f"evidence for cpus {sorted(seen)}, but {preset.name} has {len(owners)} cpus"
    return None


def check(kind: str, lines: list[str], preset: Preset, kargs: tuple[str, ...]) -> str | None:
    """Why `lines` (the EVIDENCE texts of one test in one run) do not agree
    with the machine and the test's parameters, or None if they do."""
    if not lines:
        return "passed without printing the evidence its stage asks for"
    if kind == "pool_ranges":
        return _pool_ranges(lines, preset, kargs)
    if kind == "granules":
        return _granules(lines, preset, kargs)
    if kind == "code_nodes":
        return _code_nodes(lines, preset, kargs)
    raise EvidenceError(f"no evidence check '{kind}' (there are: {', '.join(CHECKS)})")

