"""numaprof_lines.py: reads numaprof's `NUMAPROF phase=N ...` lines out of a run's output.

The plugin (tools/numaprof/numaprof.c, docs/profiling.md) prints at QEMU's exit, per
phase that a guest marked (userland/lib/os/eval_phases.h), one line per CPU and one
total line:

    NUMAPROF phase=20 intervals=1 cpu=2 node=1 insns=.. local=.. remote=.. modeled=..
    NUMAPROF phase=20 intervals=1 total insns=.. local=.. remote=.. modeled=..

The phase numbers below must match eval_phases.h.
"""
from qemu_run import parse_fields

PINGPONG_FIRST_PHASE = 10  # + the case's index in pingpong's kCases (main.cc)
PINGPONG_CASES = ["intra_space_same_cpu", "intra_space_cross_cpu", "intra_space_cross_node",
                  "inter_space_same_cpu", "inter_space_cross_cpu", "inter_space_cross_node"]
ARRAYWALK_PHASE = 20
UNMAPBENCH_PHASE = 30

COUNTERS = ("insns", "kinsns", "local", "remote", "modeled")


def phases(lines):
    """{phase: {"intervals": K, "total": {counter: float}, "cpus": {cpu: {counter: float, "node": n}}}}."""
    found = {}
    for line in lines:
        at = line.find("NUMAPROF phase=")
        if at < 0:
            continue
        words = line[at:].split()
        fields = parse_fields(words[1:])
        phase = int(fields["phase"])
        entry = found.setdefault(phase, {"intervals": int(fields.get("intervals", 0)), "total": None, "cpus": {}})
        counts = {key: float(fields.get(key, 0)) for key in COUNTERS}
        if "total" in words:
            entry["total"] = counts
        elif "cpu" in fields:
            counts["node"] = int(fields.get("node", 0))
            entry["cpus"][int(fields["cpu"])] = counts
    return found
