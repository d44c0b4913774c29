"""experiments.py: the evaluation lab's three experiments (thesis chapter 5), each a list
of boots under numaprof whose rows carry the program's own result and the counts of its
measured phase.

    ipc        pingpong (5.3): kernel switches replicate= and tcb_migration=, on the
               NUMA OS; and a thread away from its space's home node on the base OS
    arraywalk  arraywalk (5.4.1): base OS vs NUMA OS, iterations and overlap
    unmap      unmapbench (5.4.2): one global page, NUMA OS vs base OS, by node count

A row's counts are the phase's totals over all CPUs divided by the operations in it
(IPCs, walks, unmaps); modeled is numaprof's modeled time (instructions + 1 x local
+ 1.4 x remote), not cycles.
"""
import copy

from apps import run_arraywalk, run_pingpong
from boot import ProfiledBooter, preset_options
from numaprof_lines import ARRAYWALK_PHASE, PINGPONG_CASES, PINGPONG_FIRST_PHASE, UNMAPBENCH_PHASE, phases
from proxima_grader.numaprof import machine_layout
from unmap import run_unmapbench

# The kernel switches of the IPC experiment (README.md: kernel command-line options).
IPC_KERNELS = [("default", ""), ("replicate=off", "replicate=off"), ("tcb_migration=off", "tcb_migration=off"),
               ("both off", "replicate=off tcb_migration=off")]


def first_cpu_of_node(setup, preset, node):
    """The first CPU of `node` in a preset (for pingpong's client_cpu=), or 0."""
    cpu_nodes, _ = machine_layout(preset_options(setup.topologies, preset))
    return next((cpu for cpu, n in enumerate(cpu_nodes) if n == node), 0)


def per_op(counts, ops):
    return {key: counts[key] / ops for key in ("insns", "kinsns", "local", "remote", "modeled")} if ops else {}


def ipc_rows(setup, plan, errors):
    """pingpong under each kernel switch (NUMA OS, client on node 1 as in the thesis) and,
    on the base OS, with the client on its space's home node 0 and on node 1; each without
    numaprof's cache model (every access counts: the thesis's caches-disabled runs) and with
    it (setup.cache KiB per CPU: caches enabled)."""
    rows = []
    for preset in plan["presets"]:
        node1_cpu = first_cpu_of_node(setup, preset, 1)
        runs = [("numa", label, kargs, node1_cpu) for label, kargs in plan["ipc_kernels"]]
        runs += [("base", "home node 0", "", 0), ("base", "away from home (node 1)", "", node1_cpu)][:plan["ipc_home"]]
        caches = [0, setup.cache] if setup.cache else [0]
        for (os_name, label, kargs, cpu), cache in [(run, cache) for cache in caches for run in runs]:
            label = f"{label}, {f'cache {cache} KiB' if cache else 'no cache'}"
            booter = ProfiledBooter(copy.copy(setup), preset, os_name, ("exit " + kargs).strip(), setup.log_dir,
                                    cache=cache)
            args = f"rounds={plan['ipc_rounds']} batches=2 client_cpu={cpu}"
            results, _, errs = run_pingpong(booter, args)
            errors += [f"pingpong {preset} {os_name} {label}: {e}" for e in errs]
            counted = phases(booter.last_lines)
            for r in results:
                phase = counted.get(PINGPONG_FIRST_PHASE + PINGPONG_CASES.index(r["case"]))
                if not phase or not phase["total"]:
                    errors.append(f"pingpong {preset} {label} {r['case']}: no NUMAPROF phase line")
                    continue
                ipcs = 2 * int(r["rounds"])  # a round trip is two IPCs
                rows.append(dict(preset=preset, os=os_name, config=label, case=r["case"], ipcs=ipcs,
                                 client_cpu=r["client_cpu"], server_cpu=r["server_cpu"],
                                 **per_op(phase["total"], ipcs)))
    return rows


def arraywalk_rows(setup, plan, errors):
    """arraywalk on both OSes for each (preset, iterations, overlap) of the plan."""
    rows = []
    for preset, points in plan["arraywalk"]:
        for os_name in ("base", "numa"):
            booter = ProfiledBooter(setup, preset, os_name, "exit", setup.log_dir)
            for iterations, overlap in points:
                results, errs = run_arraywalk(booter, [overlap], [iterations], plan["mb"])
                errors += [f"arraywalk {preset} {os_name}: {e}" for e in errs]
                phase = phases(booter.last_lines).get(ARRAYWALK_PHASE)
                total = next((r for r in results if r.get("thread") == "total"), None)
                if not phase or not phase["total"] or total is None:
                    errors.append(f"arraywalk {preset} {os_name} iter={iterations} overlap={overlap}: no result")
                    continue
                walkers = [int(r["cpu"]) for r in results if r.get("thread") in ("0", "1")]
                slowest = max((phase["cpus"][c] for c in walkers if c in phase["cpus"]),
                              key=lambda c: c["modeled"], default=None)
                rows.append(dict(preset=preset, os=os_name, iter=int(iterations), overlap=float(overlap),
                                 faults=int(total["faults"]), walkers=",".join(map(str, walkers)),
                                 cpu_max_modeled=slowest["modeled"] if slowest else 0,
                                 cpu_max_remote=max((phase["cpus"][c]["remote"] for c in walkers
                                                     if c in phase["cpus"]), default=0),
                                 **phase["total"]))
    return rows


def unmap_rows(setup, plan, errors):
    """unmapbench (one page per unmap) on both OSes and each preset."""
    rows = []
    for preset in plan["presets"]:
        for os_name in ("base", "numa"):
            booter = ProfiledBooter(setup, preset, os_name, "exit", setup.log_dir)
            results, errs = run_unmapbench(booter, [plan["unmap_pages"]], plan["unmap_rounds"])
            errors += [f"unmapbench {preset} {os_name}: {e}" for e in errs]
            phase = phases(booter.last_lines).get(UNMAPBENCH_PHASE)
            if not results or not phase or not phase["total"]:
                errors.append(f"unmapbench {preset} {os_name}: no result")
                continue
            unmaps = phase["intervals"]
            rows.append(dict(preset=preset, os=os_name, nodes=int(results[0]["nodes"]), pages=plan["unmap_pages"],
                             unmaps=unmaps, **per_op(phase["total"], unmaps)))
    return rows
