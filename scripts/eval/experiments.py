"""experiments.py: the evaluation lab's three experiments (thesis chapter 5), each a list
of boots under numaprof whose rows carry the program's own result and the counts of its
measured phase.

    ipc        pingpong (5.3): kernel switches replicate= and tcb_migration=, on the
               NUMA OS; and threads away from their space's home node: the NUMA OS's
               migrate=cpu, the base OS
    arraywalk  arraywalk (5.4.1): base OS vs NUMA OS, iterations and overlap; NUMA OS
               with local vs global mappings and one space vs one per node
    unmap      unmapbench (5.4.2): one global page, NUMA OS vs base OS, by node count

A row's counts are the phase's totals over all CPUs divided by the operations in it
(IPCs, walks, unmaps); modeled is numaprof's modeled time (instructions + 1 x local
+ 1.4 x remote), not cycles. The array walk's rows keep the raw counts too, which
report.py weighs with other miss costs.
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
    """pingpong under each kernel switch (NUMA OS, client on node 1 as in the thesis: its
    threads move into spaces made on node 1, their home), on the NUMA OS with migrate=cpu
    (the threads move to node 1 but keep their spaces on node 0: the thesis's threads
    made on node 0 and migrated), and on the base OS with the client on its space's home
    node 0 and on node 1; each without
    numaprof's cache model (every access counts: the thesis's caches-disabled runs) and with
    it (setup.cache KiB per CPU: caches enabled)."""
    rows = []
    for preset in plan["presets"]:
        node1_cpu = first_cpu_of_node(setup, preset, 1)
        runs = [("numa", label, kargs, node1_cpu) for label, kargs in plan["ipc_kernels"]]
        runs += [("numa", "migrate=cpu: away from home (node 1)", "migrate=cpu", node1_cpu),
                 ("base", "home node 0", "", 0), ("base", "away from home (node 1)", "", node1_cpu)][:plan["ipc_home"]]
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


def walk_once(booter, preset, os_name, iterations, overlap, mb, local, spaces, what, errors):
    """One arraywalk boot as a row: the phase's totals and each walker CPU's raw counts
    (w0_*, w1_*), from which report.py models the slowest walker under any weights."""
    results, errs = run_arraywalk(booter, [overlap], [iterations], mb, local=local)
    errors += [f"{what}: {e}" for e in errs]
    phase = phases(booter.last_lines).get(ARRAYWALK_PHASE)
    total = next((r for r in results if r.get("thread") == "total"), None)
    walkers = [int(r["cpu"]) for r in results if r.get("thread") in ("0", "1")]
    if not phase or not phase["total"] or total is None or len(walkers) != 2 or \
            any(c not in phase["cpus"] for c in walkers):
        errors.append(f"{what}: no result")
        return None
    row = dict(preset=preset, os=os_name, mappings="local" if local else "global", spaces=spaces, iter=int(iterations),
               overlap=float(overlap), faults=int(total["faults"]), walkers=",".join(map(str, walkers)),
               **phase["total"])
    for i, cpu in enumerate(walkers):
        row.update({f"w{i}_{key}": phase["cpus"][cpu][key] for key in ("insns", "local", "remote")})
    return row


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def walk_row(booter, preset, os_name, iterations, overlap, mb, local, errors, spaces="node", repeats=1):
    """arraywalk at one point, booted `repeats` times: the row of each count's median (the
    NUMA OS's counts vary from run to run with its pagers' busy waiting, report.py).
    `spaces`: what the booter's kernel options ask of the NUMA OS (spaces=), for the row."""
    what = f"arraywalk {preset} {os_name} iter={iterations} overlap={overlap}" + (" local=1" if local else "") + \
        (f" spaces={spaces}" if spaces != "node" else "")
    rows = [walk_once(booter, preset, os_name, iterations, overlap, mb, local, spaces, what, errors)
            for _ in range(repeats)]
    rows = [row for row in rows if row is not None]
    if len(rows) != repeats:
        return None
    merged = dict(rows[0], runs=repeats)
    for key, value in rows[0].items():
        if isinstance(value, (int, float)) and key not in ("iter", "overlap"):
            merged[key] = median([row[key] for row in rows])
    return merged


def arraywalk_rows(setup, plan, errors):
    """arraywalk on both OSes for each (preset, iterations, overlap) of the plan, all
    mappings global; then, on the NUMA OS, the plan's local-mapping points (local=1) and
    its single-space points (the root pager's spaces=single)."""
    rows = []
    for preset, points in plan["arraywalk"]:
        for os_name in ("base", "numa"):
            booter = ProfiledBooter(setup, preset, os_name, "exit", setup.log_dir)
            rows += [walk_row(booter, preset, os_name, i, o, plan["mb"], False, errors, repeats=plan["repeats"])
                     for i, o in points]
    for preset, points in plan["arraywalk_local"]:
        booter = ProfiledBooter(setup, preset, "numa", "exit", setup.log_dir)
        rows += [walk_row(booter, preset, "numa", i, o, plan["mb"], True, errors, repeats=plan["repeats"])
                 for i, o in points]
    for preset, points in plan["arraywalk_spaces"]:
        # The per-node rows to compare with: those of the main plan, and the others here.
        missing = [p for p in points if p not in dict(plan["arraywalk"]).get(preset, [])]
        if missing:
            booter = ProfiledBooter(setup, preset, "numa", "exit", setup.log_dir)
            rows += [walk_row(booter, preset, "numa", i, o, plan["mb"], False, errors, repeats=plan["repeats"])
                     for i, o in missing]
        booter = ProfiledBooter(setup, preset, "numa", "exit spaces=single", setup.log_dir)
        rows += [walk_row(booter, preset, "numa", i, o, plan["mb"], False, errors, spaces="single",
                          repeats=plan["repeats"]) for i, o in points]
    return [row for row in rows if row is not None]


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
