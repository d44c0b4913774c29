"""report.py: writes OUT/report.md from the experiments' rows: one table per experiment,
CSV files, PNG plots drawn with gnuplot (qemu_run.gnuplot), and the thesis's expected
effects (thesis.py) beside them.
"""
import os

from qemu_run import gnuplot, write_csv
from thesis import EXPECTED

MODEL = ("modeled = guest instructions + 1 x local + 1.4 x remote data accesses (numaprof's model, "
         "docs/profiling.md): a count, not cycles; instruction fetches and page-table walks are not counted")
IPC_TABLE_CASES = ("inter_space_same_cpu", "inter_space_cross_node")


def ratio(row):
    accesses = row["local"] + row["remote"]
    return f"{row['remote'] / accesses:.4f}" if accesses else "-"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def expected(key):
    return "\n".join(f"- *Thesis {where}*: {text}" for where, text in EXPECTED[key])


def plot_bars(out, name, title, ylabel, groups, series, value):
    """A clustered bar chart: one cluster per group (preset), one bar per series."""
    data_path = os.path.join(out, f"{name}.dat")
    with open(data_path, "w", encoding="utf-8") as data:
        data.write("group " + " ".join(f'"{s}"' for s in series) + "\n")
        for group in groups:
            data.write(group + " " + " ".join(f"{value(group, s):.3f}" for s in series) + "\n")
    png = os.path.join(out, f"{name}.png")
    plots = ", ".join(f"'{data_path}' using {i + 2}:xtic(1) title columnheader({i + 2})" for i in range(len(series)))
    script = f"""
set terminal png size 1000,560
set output '{png}'
set title "{title}" noenhanced
set ylabel "{ylabel}" noenhanced
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key top left noenhanced
set yrange [0:*]
plot {plots}
"""
    return png if gnuplot(script) else None


def plot_lines(out, name, title, xlabel, ylabel, curves):
    """curves: [(title, [(x, y), ...])]."""
    data_path = os.path.join(out, f"{name}.dat")
    with open(data_path, "w", encoding="utf-8") as data:
        for label, points in curves:
            data.write(f"# {label}\n" + "".join(f"{x} {y}\n" for x, y in points) + "\n\n")
    png = os.path.join(out, f"{name}.png")
    plots = ", ".join(f"'{data_path}' index {i} using 1:2 with linespoints title '{label}'"
                      for i, (label, _) in enumerate(curves))
    script = f"""
set terminal png size 900,540
set output '{png}'
set title "{title}" noenhanced
set xlabel "{xlabel}" noenhanced
set ylabel "{ylabel}" noenhanced
set key top left noenhanced
set yrange [0:*]
plot {plots}
"""
    return png if gnuplot(script) else None


def ipc_section(out, rows, plan):
    write_csv(os.path.join(out, "ipc.csv"), ["preset", "os", "config", "case", "ipcs", "client_cpu", "server_cpu",
                                              "insns", "local", "remote", "modeled"], rows)
    shown = [r for r in rows if r["case"] in IPC_TABLE_CASES]
    body = table(["machine", "OS", "kernel / placement", "case", "cpus", "remote / IPC", "local / IPC",
                  "remote ratio", "insns / IPC", "modeled / IPC"],
                 [[r["preset"], r["os"], r["config"], r["case"], f"{r['client_cpu']}->{r['server_cpu']}",
                   f"{r['remote']:.2f}", f"{r['local']:.1f}", ratio(r), f"{r['insns']:.1f}", f"{r['modeled']:.1f}"]
                  for r in shown])
    configs = list(dict.fromkeys(f"{r['os']}: {r['config']}" for r in rows))
    presets = list(dict.fromkeys(r["preset"] for r in rows))
    pick = {(r["preset"], f"{r['os']}: {r['config']}"): r for r in rows if r["case"] == "inter_space_same_cpu"}
    pngs = [plot_bars(out, "ipc-remote", "pingpong inter_space_same_cpu: remote accesses per IPC",
                      "remote data accesses per IPC", presets, configs,
                      lambda g, s: pick[(g, s)]["remote"] if (g, s) in pick else 0),
            plot_bars(out, "ipc-modeled", "pingpong inter_space_same_cpu: modeled time per IPC (not cycles)",
                      "modeled time per IPC", presets, configs,
                      lambda g, s: pick[(g, s)]["modeled"] if (g, s) in pick else 0)]
    return f"""## a. IPC cost: pingpong (thesis 5.2, 5.3; Figures 5.2-5.7)

pingpong with `rounds={plan['ipc_rounds']} batches=2`; the client is moved to the first CPU
of node 1 (`client_cpu=`) as in the thesis (both threads on node 1), on the NUMA OS under
each kernel switch. "home node 0" / "away from home (node 1)" are the base OS, whose task
space (page tables, UTCBs, memory) is on node 0, with the client on node 0 or moved to
node 1: the thread away from its space's home node. Counts are the phase's totals over all
CPUs (the timed batches, warm-up not) divided by the IPCs (two per round trip). Table:
the thesis's case (two spaces, same CPU) and the cross-node one; every case is in `ipc.csv`.

{body}

{expected('ipc')}

**Gaps.** numaprof does not count instruction fetches, so `replicate=off` (kernel code
read from node 0) shows only through the kernel image's data read there, not through
fetching code: the effect the thesis measured for code replication is mostly invisible.
The NUMA OS offers no switch to create a thread and its space directly on another home
node (the thesis's Figures 5.6/5.7); the base OS rows stand in for "not on the home node".

{images(pngs)}
"""


def images(pngs):
    return "\n".join(f"![{os.path.basename(p)}]({os.path.basename(p)})" for p in pngs if p) or "(no plots: gnuplot missing)"


def crossovers(rows):
    """Sentences on where the NUMA OS's slowest walker stops beating the base OS's."""
    notes = []
    keys = sorted({(r["preset"], r["iter"]) for r in rows})
    for preset, iterations in keys:
        pairs = {}
        for r in rows:
            if (r["preset"], r["iter"]) == (preset, iterations):
                pairs.setdefault(r["overlap"], {})[r["os"]] = r["cpu_max_modeled"]
        points = sorted((o, v["numa"] < v["base"]) for o, v in pairs.items() if "numa" in v and "base" in v)
        if len(points) < 2:
            continue
        wins = ", ".join(f"{o:g}" for o, win in points if win) or "no overlap measured"
        loses = ", ".join(f"{o:g}" for o, win in points if not win) or "no overlap measured"
        notes.append(f"- {preset}, {iterations} iteration(s): the NUMA OS's slowest walker is modeled faster at "
                     f"{wins}; slower at {loses}.")
    return "\n".join(notes) or "- (no overlap sweep in this run)"


def arraywalk_section(out, rows, plan):
    write_csv(os.path.join(out, "arraywalk.csv"), ["preset", "os", "iter", "overlap", "faults", "walkers", "insns",
                                                    "local", "remote", "modeled", "cpu_max_modeled",
                                                    "cpu_max_remote"], rows)
    body = table(["machine", "OS", "iter", "overlap", "faults", "remote / walk", "local / walk", "remote ratio",
                  "modeled / walk (all CPUs)", "modeled, slowest walker CPU", "remote, most on one walker CPU"],
                 [[r["preset"], r["os"], r["iter"], f"{r['overlap']:g}", r["faults"], f"{r['remote']:.0f}",
                   f"{r['local']:.0f}", ratio(r), f"{r['modeled']:.0f}", f"{r['cpu_max_modeled']:.0f}",
                   f"{r['cpu_max_remote']:.0f}"] for r in rows])
    pngs = []
    for preset in dict.fromkeys(r["preset"] for r in rows):
        for iterations in sorted({r["iter"] for r in rows if r["preset"] == preset}):
            curves = []
            for os_name in ("base", "numa"):
                pts = sorted((r["overlap"], r["cpu_max_modeled"]) for r in rows
                             if (r["preset"], r["iter"], r["os"]) == (preset, iterations, os_name))
                curves.append((f"{os_name} OS", pts))
            if all(len(points) >= 2 for _, points in curves):
                pngs.append(plot_lines(out, f"arraywalk-{preset}-iter{iterations}",
                                       f"arraywalk on {preset}, {iterations} iteration(s): slowest walker",
                                       "overlap", "modeled time of the slowest walker CPU (not cycles)", curves))
        curves = []
        for os_name in ("base", "numa"):
            pts = sorted((r["iter"], r["remote"]) for r in rows
                         if (r["preset"], r["os"], r["overlap"]) == (preset, os_name, 1.0))
            curves.append((f"{os_name} OS, overlap 1", pts))
        if all(len(points) >= 2 for _, points in curves):
            pngs.append(plot_lines(out, f"arraywalk-{preset}-remote", f"arraywalk on {preset}: remote accesses",
                                   "iterations", "remote data accesses in the walk (all CPUs)", curves))
    if not pngs and rows:  # the tiny run: one bar per OS and machine
        pick = {(r["preset"], r["os"]): r for r in rows}
        presets = list(dict.fromkeys(r["preset"] for r in rows))
        pngs.append(plot_bars(out, "arraywalk-modeled", "arraywalk: modeled time of the slowest walker CPU",
                              "modeled time (not cycles)", presets, ["base", "numa"],
                              lambda g, s: pick[(g, s)]["cpu_max_modeled"] if (g, s) in pick else 0))
    return f"""## b. Memory-intensive application: arraywalk (thesis 5.4.1; Figures 5.8-5.15)

Two walkers on two nodes, each walking its own {plan['mb']} MiB array (the thesis: 50 MB;
small here to keep `make eval` short) `iter` times; the arrays overlap by `overlap`. The
phase is from the first walker's go until both are done; a row is one walk. The thesis
says the slowest thread decides: the "slowest walker CPU" column is the larger modeled
time of the two walkers' CPUs. Caution: the modeled time adds up work, it is not a
timeline; on the base OS page faults are served by the root task on CPU 0, so a walker
on another CPU does not carry its faults' cost in its own row, and waiting is not
counted at all (the "all CPUs" column carries every CPU's work).

{body}

Crossovers in this run (slowest walker CPU, NUMA OS vs base OS):
{crossovers(rows)}

{expected('arraywalk')}

**Why the thesis's crossovers need care here.** The counts include busy waiting: a
pager that spins on a task's master lock (a ticket lock by default, `lock=spin`,
userland/lib/numa/pager_lock.h) or a CPU that polls counts instructions and accesses
(remote ones when the lock lies on another node) for as long as the host lets it spin,
and that depends on how the host schedules QEMU's vCPU threads, not on the guest. On the
NUMA OS both walkers fault at once and their pagers meet at the master lock, so its rows
vary from run to run (in the first runs, by up to 2-3x for the same point, also with
`lock=mcs`); the base OS serves faults one at a time in its root task and varies little.
The walk itself is short against the first iteration's faults (2 MiB arrays: each
walker's iteration is about 0.5 million loads, its faults some millions of accesses).
Compare the per-CPU `uremote`/`kremote` counts in logs/*.log before concluding: where
the NUMA OS is modeled slower at every overlap, it is this waiting and the fault cost,
not the walk, that decides, and the thesis's crossovers (about 30% at 1 iteration, up
to 90% at 4) are not visible in this emulated model.

**Not measured**: single vs per-node address spaces and local vs global mappings
(Figures 5.13, 5.16): the NUMA OS has no switch for them yet.

{images(pngs)}
"""


def unmap_section(out, rows, plan):
    write_csv(os.path.join(out, "unmap.csv"), ["preset", "os", "nodes", "pages", "unmaps", "insns", "kinsns",
                                                "local", "remote", "modeled"], rows)
    body = table(["machine", "nodes", "OS", "unmaps", "remote / unmap", "local / unmap", "remote ratio",
                  "insns / unmap", "kernel insns / unmap", "modeled / unmap"],
                 [[r["preset"], r["nodes"], r["os"], r["unmaps"], f"{r['remote']:.1f}", f"{r['local']:.1f}",
                   ratio(r), f"{r['insns']:.0f}", f"{r['kinsns']:.0f}", f"{r['modeled']:.0f}"] for r in rows])
    curves = [(f"{os_name} OS", sorted((r["nodes"], r["modeled"]) for r in rows if r["os"] == os_name))
              for os_name in ("base", "numa")]
    if all(len(points) >= 2 for _, points in curves):
        png = plot_lines(out, "unmap", "global unmap of one page: modeled time per unmap (not cycles)",
                         "NUMA nodes", "modeled time per unmap", curves)
    else:
        pick = {(r["preset"], r["os"]): r for r in rows}
        png = plot_bars(out, "unmap", "global unmap of one page: modeled time per unmap (not cycles)",
                        "modeled time per unmap", list(dict.fromkeys(r["preset"] for r in rows)), ["base", "numa"],
                        lambda g, s: pick[(g, s)]["modeled"] if (g, s) in pick else 0)
    return f"""## c. Global unmap: unmapbench (thesis 5.4.2; Figure 5.17)

unmapbench `pages={plan['unmap_pages']} rounds={plan['unmap_rounds']}`: a thread per node reads the
page, the main thread on CPU 0 writes it and unmaps it; the phase is each measured
`os::unmap` call (all CPUs: the other pagers' work is counted where it runs).

{body}

**Busy waiting counts here too.** When a CPU waits by spinning (in the kernel, or in a
pager), numaprof counts the spin, and its length depends on how the host schedules
QEMU's vCPU threads. In the first full runs the base OS's rows moved most (4x1: 36 125
and 653 149 modeled per unmap in two runs, almost all of it kernel instructions on CPU 0,
the unmapping CPU), the NUMA OS's less (up to 14% between runs). Compare the "kernel insns"
column and the per-CPU lines in logs/ before reading a trend.

{expected('unmap')}

{images([png])}
"""


def write_report(out, plan, results, errors, seconds):
    sections = [ipc_section(out, results["ipc"], plan), arraywalk_section(out, results["arraywalk"], plan),
                unmap_section(out, results["unmap"], plan)]
    problems = "\n".join(f"- {e}" for e in errors) or "- none"
    text = f"""# Evaluation lab report ({plan['name']} run)

The thesis's chapter 5 rerun under QEMU with numaprof (`make eval`; labs/eval/README.md).
Machines: {', '.join(plan['presets'])}. Every count is numaprof's, of the program's marked
phase (userland/lib/os/eval_phases.h). {MODEL}. Under emulation a remote access is not
slower; only the model makes it so. "cache N KiB": numaprof modeled a cache of N KiB per
CPU (8-way, write-invalidate), and local and remote count its misses, as with the thesis's
caches enabled; "no cache": every access counts, as with its caches disabled (Figures
5.4, 5.5). The IPC experiment runs both ways; the array walk and the unmap with the cache
({plan.get('cache', 0)} KiB). The thesis's figures are plots without printed values:
what it says is quoted beside each table, with its section and figure.

Run time: {seconds:.0f} s. Boot logs: logs/.

Problems in this run:
{problems}

""" + "\n".join(sections)
    path = os.path.join(out, "report.md")
    with open(path, "w", encoding="utf-8") as report:
        report.write(text)
    return path
