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

# The array walk's modeled time under several costs of a local / remote access (L, R),
# all with the thesis's ratio 1.4. With the cache model the accesses counted are misses,
# and a miss costs a real CPU of the thesis's time some hundred cycles, an instruction
# about one: (100, 140) is the closest of these, and the one the tables and plots use;
# (1, 1.4), numaprof's default, weighs a miss like an instruction.
WALK_WEIGHTS = [(1, 1.4), (10, 14), (100, 140)]
WALK_MAIN = (100, 140)


def weighted(insns, local, remote, weights):
    return insns + weights[0] * local + weights[1] * remote


def walk_total(row, weights):
    """The whole walk's modeled time (all CPUs)."""
    return weighted(row["insns"], row["local"], row["remote"], weights)


def walk_slowest(row, weights):
    """The larger modeled time of the two walkers' CPUs (the thesis: the slowest thread decides)."""
    return max(weighted(row[f"w{i}_insns"], row[f"w{i}_local"], row[f"w{i}_remote"], weights) for i in (0, 1))


def weights_label(weights):
    return f"L={weights[0]:g}, R={weights[1]:g}"


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
"Not on the home node" (the thesis's Figures 5.6/5.7, threads and spaces made on node 0
and migrated to node 1) is the NUMA OS with the root pager's `migrate=cpu`: the threads
move to node 1 and keep their spaces, UTCBs and pagers on node 0. By default they move
into spaces made on node 1 (their home); the base OS, whose one space is on node 0, is
shown beside them.

{images(pngs)}
"""


def images(pngs):
    return "\n".join(f"![{os.path.basename(p)}]({os.path.basename(p)})" for p in pngs if p) or "(no plots: gnuplot missing)"


def crossovers(rows, weights):
    """Sentences on where the NUMA OS's slowest walker stops beating the base OS's."""
    notes = []
    keys = sorted({(r["preset"], r["iter"]) for r in rows})
    for preset, iterations in keys:
        pairs = {}
        for r in rows:
            if (r["preset"], r["iter"]) == (preset, iterations):
                pairs.setdefault(r["overlap"], {})[r["os"]] = walk_slowest(r, weights)
        points = sorted((o, v["numa"] < v["base"]) for o, v in pairs.items() if "numa" in v and "base" in v)
        if len(points) < 2:
            continue
        wins = ", ".join(f"{o:g}" for o, win in points if win) or "no overlap measured"
        loses = ", ".join(f"{o:g}" for o, win in points if not win) or "no overlap measured"
        notes.append(f"- {preset}, {iterations} iteration(s): the NUMA OS's slowest walker is modeled faster at "
                     f"overlap {wins}; slower at {loses}.")
    return "\n".join(notes) or "- (no overlap sweep in this run)"


def break_even(rows, weights):
    """Sentences on the best case (overlap 0): what the NUMA OS's first iteration costs its
    slowest walker more than the base OS's, what each later iteration saves, and after
    how many iterations it pays off, from the 1- and 4-iteration rows."""
    notes = []
    for preset in dict.fromkeys(r["preset"] for r in rows):
        pick = {(r["os"], r["iter"]): walk_slowest(r, weights) for r in rows
                if r["preset"] == preset and r["overlap"] == 0}
        if not all((os_name, i) in pick for os_name in ("base", "numa") for i in (1, 4)):
            continue
        penalty = pick[("numa", 1)] - pick[("base", 1)]
        saving = ((pick[("base", 4)] - pick[("base", 1)]) - (pick[("numa", 4)] - pick[("numa", 1)])) / 3
        if saving <= 0:
            verdict = "in this run it never pays off (see below on how much rows vary)"
        elif penalty <= 0:
            verdict = "it is ahead from the first iteration"
        else:
            verdict = f"it pays off after about {1 + penalty / saving:.1f} iterations"
        notes.append(f"- {preset}, overlap 0: against the base OS's, the NUMA OS's slowest walker costs "
                     f"{penalty:+.0f} in the first iteration (it serves its own page faults) and {-saving:+.0f} "
                     f"in each later one (it walks local memory); {verdict}.")
    return "\n".join(notes) or "- (no overlap-0 rows at 1 and 4 iterations in this run)"


WALK_CSV = ["preset", "os", "mappings", "spaces", "iter", "overlap", "runs", "faults", "walkers", "insns", "local", "remote",
            "modeled"] + [f"w{i}_{key}" for i in (0, 1) for key in ("insns", "local", "remote")]


def arraywalk_plots(out, rows):
    pngs = []
    for preset in dict.fromkeys(r["preset"] for r in rows):
        for iterations in sorted({r["iter"] for r in rows if r["preset"] == preset}):
            curves = []
            for os_name in ("base", "numa"):
                pts = sorted((r["overlap"], walk_slowest(r, WALK_MAIN)) for r in rows
                             if (r["preset"], r["iter"], r["os"]) == (preset, iterations, os_name))
                curves.append((f"{os_name} OS", pts))
            if all(len(points) >= 3 for _, points in curves):
                pngs.append(plot_lines(out, f"arraywalk-{preset}-iter{iterations}",
                                       f"arraywalk on {preset}, {iterations} iteration(s): slowest walker, "
                                       f"{weights_label(WALK_MAIN)}",
                                       "overlap", "modeled time of the slowest walker CPU (not cycles)", curves))
        # Against the iterations, at overlap 1 and 0 (Figures 5.8-5.12).
        for value, ylabel, name in ((lambda r: walk_slowest(r, WALK_MAIN),
                                     f"modeled time of the slowest walker CPU, {weights_label(WALK_MAIN)}", "modeled"),
                                    (lambda r: r["remote"], "remote data accesses in the walk (all CPUs)", "remote")):
            curves = [(f"{os_name} OS, overlap {overlap:g}",
                       sorted((r["iter"], value(r)) for r in rows
                              if (r["preset"], r["os"], r["overlap"]) == (preset, os_name, overlap)))
                      for overlap in (1.0, 0.0) for os_name in ("base", "numa")]
            curves = [curve for curve in curves if len(curve[1]) >= 3]
            if curves:
                pngs.append(plot_lines(out, f"arraywalk-{preset}-{name}-vs-iterations",
                                       f"arraywalk on {preset}: {name} against iterations", "iterations", ylabel,
                                       curves))
    if not pngs and rows:  # the tiny run: one bar per OS and machine
        pick = {(r["preset"], r["os"]): r for r in rows}
        presets = list(dict.fromkeys(r["preset"] for r in rows))
        pngs.append(plot_bars(out, "arraywalk-modeled", "arraywalk: modeled time of the slowest walker CPU",
                              "modeled time (not cycles)", presets, ["base", "numa"],
                              lambda g, s: walk_slowest(pick[(g, s)], WALK_MAIN) if (g, s) in pick else 0))
    return pngs


def paired_part(out, name, title, key, others, defaults):
    """The NUMA OS's default rows beside `others` (rows of one other configuration, told
    apart by `key`) at the same machine, iterations and overlap: a table and a bar plot."""
    pairs = [(d, next((o for o in others if (o["preset"], o["iter"], o["overlap"]) ==
                       (d["preset"], d["iter"], d["overlap"])), None)) for d in defaults]
    pairs = [(d, o) for d, o in pairs if o is not None]
    if not pairs:
        return None, None
    body = table(["machine", "iter", "overlap", key, "faults", "remote / walk", "local / walk",
                  f"modeled, slowest walker ({weights_label(WALK_MAIN)})"],
                 [[r["preset"], r["iter"], f"{r['overlap']:g}", r[key], r["faults"], f"{r['remote']:.0f}",
                   f"{r['local']:.0f}", f"{walk_slowest(r, WALK_MAIN):.0f}"] for pair in pairs for r in pair])
    groups = [f"{d['preset']}/{d['iter']}it" for d, _ in pairs]
    series = [pairs[0][0][key], pairs[0][1][key]]
    pick = {(f"{r['preset']}/{r['iter']}it", r[key]): r for pair in pairs for r in pair}
    png = plot_bars(out, name, title, "modeled time of the slowest walker CPU (not cycles)", groups, series,
                    lambda g, s: walk_slowest(pick[(g, s)], WALK_MAIN) if (g, s) in pick else 0)
    return body, png


def mappings_part(out, local_rows, numa_rows):
    """Figure 5.13: the NUMA OS with each walker's own array local vs global."""
    body, png = paired_part(out, "arraywalk-mappings", "arraywalk, NUMA OS, overlap 0: local vs global mappings",
                            "mappings", local_rows, numa_rows)
    if body is None:
        return "**Local vs global mappings** (Figure 5.13): not in this run.", None
    return f"""**Local vs global mappings** (Figure 5.13): the NUMA OS, each walker on its own array
(overlap 0), with every mapping global (the default: each fault takes the task's master
lock and enters the page in the master's table) and with each walker's array made
node-local (`arraywalk local=1`, `os::make_local`: no master lock, no table entry).

{body}
""", png


def spaces_part(out, single_rows, numa_rows):
    """Figure 5.16: the NUMA OS with one space per node vs one space for the task."""
    body, png = paired_part(out, "arraywalk-spaces", "arraywalk, NUMA OS: per-node spaces vs a single space",
                            "spaces", single_rows, numa_rows)
    if body is None:
        return "**Single vs per-node address spaces** (Figure 5.16): not in this run.", None
    return f"""**Single vs per-node address spaces** (Figure 5.16): the NUMA OS as it is (`spaces=node`:
a space per node, each node's pager mapping into its own) and with one space for the task
(the root pager's `spaces=single`, docs/numaos.md: every pager maps into the one space,
so a page mapped for one walker is there for the other without a fault; first touch
stays). The thesis ran this with the arrays overlapping completely.

{body}
""", png


def arraywalk_section(out, rows, plan):
    write_csv(os.path.join(out, "arraywalk.csv"), WALK_CSV, rows)
    global_rows = [r for r in rows if r["mappings"] == "global" and r["spaces"] == "node"]
    local_rows = [r for r in rows if r["mappings"] == "local"]
    single_rows = [r for r in rows if r["spaces"] == "single"]
    body = table(["machine", "OS", "iter", "overlap", "faults", "remote / walk", "local / walk", "remote ratio",
                  f"modeled, all CPUs ({weights_label(WALK_MAIN)})",
                  f"modeled, slowest walker CPU ({weights_label(WALK_MAIN)})",
                  f"slowest walker CPU ({weights_label(WALK_WEIGHTS[0])})"],
                 [[r["preset"], r["os"], r["iter"], f"{r['overlap']:g}", r["faults"], f"{r['remote']:.0f}",
                   f"{r['local']:.0f}", ratio(r), f"{walk_total(r, WALK_MAIN):.0f}",
                   f"{walk_slowest(r, WALK_MAIN):.0f}", f"{walk_slowest(r, WALK_WEIGHTS[0]):.0f}"]
                  for r in global_rows])
    pngs = arraywalk_plots(out, global_rows)
    numa_rows = [r for r in global_rows if r["os"] == "numa"]
    mappings, mappings_png = mappings_part(out, local_rows, numa_rows)
    spaces, spaces_png = spaces_part(out, single_rows, numa_rows)
    sweep = "\n\n".join(f"With {weights_label(w)}{' (the tables and plots)' if w == WALK_MAIN else ''}:\n"
                         f"{crossovers(global_rows, w)}\n{break_even(global_rows, w)}" for w in WALK_WEIGHTS)
    return f"""## b. Memory-intensive application: arraywalk (thesis 5.4.1; Figures 5.8-5.16)

Two walkers on two nodes, each walking its own {plan['mb']} MiB array (the thesis: 50 MB;
small here to keep `make eval` short) `iter` times; the arrays overlap by `overlap`. The
phase is from the first walker's go until both are done; a row is one walk, each of its
counts the median of {plan.get('repeats', 1)} boot(s) (the NUMA OS's vary, see below). The thesis
says the slowest thread decides: the "slowest walker CPU" columns are the larger modeled
time of the two walkers' CPUs. Caution: the modeled time adds up work, it is not a
timeline; on the base OS page faults are served by the root task on CPU 0, so a walker
on another CPU does not carry its faults' cost in its own row, and waiting is not
counted at all (the "all CPUs" column carries every CPU's work).

**The cost of a miss.** With the cache model, local and remote count misses. What a miss
costs against an instruction decides whether walking local memory can pay for the NUMA
OS's extra faults, so the walk is modeled with L (local) and R (remote) of 1 and 1.4
(numaprof's default: a miss costs about an instruction), 10 and 14, and 100 and 140 (a
miss costs about a hundred instructions, as on a CPU of the thesis's time); the ratio is
always the thesis's 1.4. The tables and plots use {weights_label(WALK_MAIN)}; `arraywalk.csv`
has the raw counts of each walker CPU (w0_*, w1_*) for any other choice.

{body}

Crossovers in this run (slowest walker CPU, NUMA OS vs base OS), by the cost of a miss,
and at overlap 0 (the NUMA OS's best case) what its faults cost and its local walk saves:

{sweep}

**What decides the crossovers.** A 4-byte walk misses once per 64-byte line, 16 loads,
so a page walked locally instead of remotely saves 64 x (R - L) per iteration: 26 at
(1, 1.4), 2 560 at (100, 140). Against that stands, at overlap above 0, the NUMA OS's
second fault on each shared page (one per node), with its master lock and table. At
overlap 0 both OSes take one fault per page, and the NUMA OS's walkers walk local
memory. So the more a miss costs, the further towards overlap 1 the crossovers move; a
miss as cheap as an instruction hides the walk behind the faults.

{expected('arraywalk')}

**Why the thesis's crossovers need care here.** The counts include busy waiting: a
pager that spins on a task's master lock (a ticket lock by default, `lock=spin`,
userland/lib/numa/pager_lock.h) or a CPU that polls counts instructions and accesses
(remote ones when the lock lies on another node) for as long as the host lets it spin,
and that depends on how the host schedules QEMU's vCPU threads, not on the guest. On the
NUMA OS both walkers fault at once and their pagers meet at the master lock, so its rows
vary from run to run (in the first runs, by up to 2-3x for the same point, also with
`lock=mcs`); the base OS serves faults one at a time in its root task and varies little.
Even as the median of three boots, a NUMA OS row moved by up to 20% between two full
runs, as much as the differences that place a crossover: in one run the crossovers fell
where the thesis's did, in the next they did not (docs/benchmarks.md). Compare two runs
before reading a crossover.
With a miss as cheap as an instruction the walk itself is short against the first
iteration's faults (2 MiB arrays: each walker's iteration is about 0.5 million loads,
32 768 of them misses; its faults some millions of instructions), and the walk's
placement cannot show; with a miss at a hundred instructions it can. Compare the
per-CPU `uremote`/`kremote` counts in logs/*.log before concluding.

{mappings}

{spaces}

{images(pngs + [mappings_png, spaces_png])}
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
