#!/usr/bin/env python3
"""apps.py: boots the base OS with the benchmark programs pingpong, arraywalk,
unmapbench and migratebench in QEMU and turns their result lines into tables, CSV files and plots.

`make bench` (mk/bench.mk) calls it with the QEMU command after `--` (the kernel on one
machine preset, no modules). For each run this script adds the modules (sigma0, the
base OS, then the program with its arguments) and the serial port, runs QEMU until the
base OS ends the run when the program has exited (or the timeout passes), and keeps the
serial output in OUT/logs/. It writes

    OUT/pingpong.csv   topo, clock, case, rounds, cycles_per_ipc (median of batches),
                       min, mean, client/server cpu and node: one row per case
    OUT/pingpong.png   the medians as a bar chart
    OUT/arraywalk.csv  topo, clock, overlap, iter, mb, thread (0, 1, total), cpu, node,
                       cycles, faults, pages, ok: three rows per run
    OUT/arraywalk.png  total cycles and page faults against the overlap, one line per
                       iteration count (the thesis's Figures 5.14 and 5.15)
    OUT/unmap.csv      unmapbench's cycles per unmap call, one row per number of pages
                       (unmap.py)
    OUT/migratebench.csv  migratebench's cycles per os::migrate_thread call, one row
                       per case (migrate.py)

(plots only when gnuplot is installed) and prints tables. The line protocols are in
userland/apps/pingpong/main.cc, userland/apps/arraywalk/main.cc,
userland/apps/unmapbench/main.cc and userland/apps/migratebench/main.cc. An empty list
(--overlaps '', --unmap-pages '', --migrate-rounds '') leaves that program out.
"""
import argparse
import os
import re
import sys

from qemu_run import CLOCK_NOTES, EXIT_PANIC, cycles_label, gnuplot, parse_fields, run_qemu, write_csv
from migrate import print_migrate, run_migratebench, write_migrate_csv
from unmap import DEFAULT_PAGES, print_unmap, run_unmapbench, write_unmap_csv

PINGPONG_FIELDS = ["topo", "clock", "case", "rounds", "cycles_per_ipc", "min", "mean", "client_cpu", "server_cpu",
                   "client_node", "server_node"]
ARRAYWALK_FIELDS = ["topo", "clock", "overlap", "iter", "mb", "thread", "cpu", "node", "cycles", "faults", "pages",
                    "ok"]
ECHO = ("PINGPONG", "ARRAYWALK", "UNMAPBENCH", "MIGRATEBENCH", "baseos", "numaos", "rootpager", "PANIC", "sigma0:")
# The OS's line when its last task has ended (the base OS's or the NUMA OS's); the run
# is over and QEMU is stopped here (this runner reads the exit codes itself, so it
# boots without `exit`).
ALL_ENDED = ("baseos: all tasks have ended", "numaos: all tasks have ended")


class Booter:
    """Boots one program at a time under an OS (the modules say which) and checks how the
    run ended."""

    def __init__(self, qemu, modules, app_dir, log_dir, topo, clock, timeout):
        self.qemu, self.modules, self.app_dir, self.log_dir = qemu, modules, app_dir, log_dir
        self.topo, self.clock, self.timeout = topo, clock, timeout
        os.makedirs(log_dir, exist_ok=True)

    def boot(self, name, program_args, tag):
        """Runs `name` with `program_args`; (its serial lines, an error message or None)."""
        program = os.path.join(self.app_dir, f"{name}.elf")
        module = f"{program} {program_args}".strip().replace(",", ",,")
        log_path = os.path.join(self.log_dir, f"{tag}-{self.topo}-{self.clock}.log")
        print(f"bench: {name} {program_args} on {self.topo} (log {log_path})", flush=True)
        command = self.qemu + ["-initrd", f"{self.modules},{module}"]
        status, lines = run_qemu(command, log_path, self.timeout, ECHO, stop_line=ALL_ENDED)
        if status is None:
            return lines, f"QEMU did not finish within {self.timeout:.0f} s; see {log_path}"
        if status == EXIT_PANIC:
            return lines, f"the kernel panicked; see {log_path}"
        code = exit_code(lines, name)
        if code is None:
            return lines, f"QEMU ended (status {status}) without the OS saying {name} exited; see {log_path}"
        if code != 0:
            return lines, f"{name} exited with {code}; see {log_path}"
        return lines, None


EXIT_LINE = re.compile(r"(?:baseos|numaos): task (\S+) exited with code (-?\d+)")


def exit_code(lines, name):
    """The exit code the OS reported for program `name`: the first non-zero one of
    its tasks (pingpong spawns a second), else 0; None if it reported none."""
    codes = [int(m.group(2)) for m in map(EXIT_LINE.match, lines) if m and m.group(1) == name]
    if not codes:
        return None
    return next((code for code in codes if code != 0), 0)


def run_pingpong(booter, program_args):
    """pingpong's measurements, skipped cases and errors."""
    lines, error = booter.boot("pingpong", program_args, "pingpong")
    results, skipped, errors = [], [], []
    for line in lines:
        words = line.split()
        if not words or words[0] != "PINGPONG" or len(words) < 2:
            continue
        fields = parse_fields(words[1:])
        if words[1].startswith("case="):
            client_cpu, _, server_cpu = fields.get("cpus", "?,?").partition(",")
            client_node, _, server_node = fields.get("nodes", "?,?").partition(",")
            results.append(dict(fields, client_cpu=client_cpu, server_cpu=server_cpu, client_node=client_node,
                                server_node=server_node))
        elif words[1] == "skip":
            skipped.append(fields)
        elif words[1] == "error":
            errors.append(line)
    return results, skipped, errors + ([error] if error else [])


def run_arraywalk(booter, overlaps, iters, mb, local=False):
    """arraywalk's rows (three per run) and errors, one run per iteration count and overlap;
    `local`: each walker's own part node-local (arraywalk's local=1)."""
    rows, errors = [], []
    for iterations in iters:
        for overlap in overlaps:
            program_args = f"overlap={overlap} iter={iterations} mb={mb}" + (" local=1" if local else "")
            tag = f"arraywalk-o{overlap}-i{iterations}" + ("-local" if local else "")
            lines, error = booter.boot("arraywalk", program_args, tag)
            found = 0
            for line in lines:
                words = line.split()
                if words[:1] != ["ARRAYWALK"] or len(words) < 2:
                    continue
                if words[1] == "error":
                    errors.append(line)
                elif words[1].startswith("overlap="):
                    rows.append(dict(parse_fields(words[1:]), mb=mb))
                    found += 1
            if error is None and found != 3:
                error = f"arraywalk {program_args}: {found} result lines, not 3"
            if error:
                errors.append(error)
    return rows, errors


def plot_pingpong(out, topo, clock, results):
    if not results:
        return None
    data_path = os.path.join(out, "pingpong.dat")
    with open(data_path, "w", encoding="utf-8") as data:
        data.write("case cycles_per_ipc\n")
        for r in results:
            data.write(f"{r['case']} {r['cycles_per_ipc']}\n")
    png_path = os.path.join(out, "pingpong.png")
    script = f"""
set terminal png size 900,560
set output '{png_path}'
set title "pingpong on the base OS, {topo}: median of batches"
set ylabel "{cycles_label(clock)} per IPC (half a round trip)"
set style data histograms
set style fill solid 0.8 border -1
set key off
set yrange [0:*]
set xtics noenhanced rotate by 20 right
plot '{data_path}' using 2:xtic(1)
"""
    return png_path if gnuplot(script) else None


def plot_arraywalk(out, topo, clock, rows):
    totals = [r for r in rows if r.get("thread") == "total"]
    if not totals:
        return None
    data_path = os.path.join(out, "arraywalk.dat")
    iters = list(dict.fromkeys(r["iter"] for r in totals))
    with open(data_path, "w", encoding="utf-8") as data:
        for n in iters:  # one gnuplot data block per iteration count
            data.write(f"# iter={n}: overlap cycles faults\n")
            for r in sorted((r for r in totals if r["iter"] == n), key=lambda r: float(r["overlap"])):
                data.write(f"{r['overlap']} {r['cycles']} {r['faults']}\n")
            data.write("\n\n")
    png_path = os.path.join(out, "arraywalk.png")
    lines = lambda column: ", ".join(f"'{data_path}' index {i} using 1:{column} with linespoints title 'iter={n}'"
                                     for i, n in enumerate(iters))
    script = f"""
set terminal png size 1200,500
set output '{png_path}'
set multiplot layout 1,2 title "arraywalk on the base OS, {topo}: two {rows[0]['mb']} MiB arrays"
set xlabel "overlap"
set key top left
set ylabel "{cycles_label(clock)} until both threads finished"
set yrange [0:*]
plot {lines(2)}
set ylabel "page faults (whole task)"
plot {lines(3)}
unset multiplot
"""
    return png_path if gnuplot(script) else None


def print_pingpong(topo, clock, results, skipped):
    print(f"\npingpong: cycles per IPC (half a Call + ReplyWait round trip) on {topo}; {CLOCK_NOTES[clock]}")
    print(f"{'case':<26}{'rounds':>8}{'median':>9}{'min':>9}{'mean':>9}  cpus  nodes")
    for r in results:
        print(f"{r['case']:<26}{r['rounds']:>8}{r['cycles_per_ipc']:>9}{r['min']:>9}{r['mean']:>9}"
              f"  {r['client_cpu']}->{r['server_cpu']}  {r['client_node']}->{r['server_node']}")
    for s in skipped:
        print(f"{s.get('case', '?'):<26}  skipped: {s.get('reason', '')}")


def print_arraywalk(topo, clock, rows):
    print(f"\narraywalk on {topo}; {CLOCK_NOTES[clock]}; faults: the whole task's during the walk")
    print(f"{'iter':>4}{'overlap':>8}{'total cycles':>14}{'faults':>8}{'pages':>7}"
          f"{'thread 0 cycles':>17}{'faults':>8}{'thread 1 cycles':>17}{'faults':>8}  ok")
    runs = {}
    for r in rows:
        runs.setdefault((r["iter"], r["overlap"]), {})[r["thread"]] = r
    for (n, overlap), run in runs.items():
        total, t0, t1 = run.get("total", {}), run.get("0", {}), run.get("1", {})
        ok = all(t.get("ok") == "1" for t in (total, t0, t1))
        print(f"{n:>4}{overlap:>8}{total.get('cycles', '-'):>14}{total.get('faults', '-'):>8}"
              f"{total.get('pages', '-'):>7}"
              f"{t0.get('cycles', '-'):>17}{t0.get('faults', '-'):>8}{t1.get('cycles', '-'):>17}"
              f"{t1.get('faults', '-'):>8}  {'yes' if ok else 'NO'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topo", required=True, help="machine preset name (for the output)")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before one QEMU run is stopped")
    parser.add_argument("--icount", action="store_true", help="QEMU runs with -icount shift=0")
    parser.add_argument("--modules", required=True, help="sigma0 and the base OS, comma-separated")
    parser.add_argument("--app-dir", required=True, help="where the programs' ELF files are")
    parser.add_argument("--pingpong-args", default="", help="pingpong's arguments")
    parser.add_argument("--overlaps", default="0 0.5 1", help="arraywalk overlaps, space-separated")
    parser.add_argument("--iters", default="1 4", help="arraywalk iteration counts, space-separated")
    parser.add_argument("--mb", default="8", help="arraywalk array size in MiB")
    parser.add_argument("--unmap-pages", default=DEFAULT_PAGES, help="unmapbench pages per call, space-separated")
    parser.add_argument("--unmap-rounds", default="50", help="unmapbench measured rounds")
    parser.add_argument("--migrate-rounds", default="50", help="migratebench round trips per case ('': none)")
    parser.add_argument("qemu", nargs=argparse.REMAINDER, help="-- then the QEMU command")
    args = parser.parse_args()
    qemu = args.qemu[1:] if args.qemu[:1] == ["--"] else args.qemu
    if not qemu:
        parser.error("no QEMU command after --")

    clock = "icount" if args.icount else "tsc"
    booter = Booter(qemu, args.modules, args.app_dir, os.path.join(args.out, "logs"), args.topo, clock, args.timeout)
    results, skipped, pingpong_errors = run_pingpong(booter, args.pingpong_args)
    rows, arraywalk_errors = run_arraywalk(booter, args.overlaps.split(), args.iters.split(), args.mb)
    unmap_rows, unmap_errors = run_unmapbench(booter, args.unmap_pages.split(), args.unmap_rounds)
    migrate_rows, migrate_skipped, migrate_errors = [], [], []
    if args.migrate_rounds.strip():
        migrate_rows, migrate_skipped, migrate_errors = run_migratebench(booter, args.migrate_rounds.strip())

    pingpong_csv = os.path.join(args.out, "pingpong.csv")
    write_csv(pingpong_csv, PINGPONG_FIELDS, [dict(r, topo=args.topo, clock=clock) for r in results])
    arraywalk_csv = os.path.join(args.out, "arraywalk.csv")
    write_csv(arraywalk_csv, ARRAYWALK_FIELDS, [dict(r, topo=args.topo, clock=clock) for r in rows])
    print_pingpong(args.topo, clock, results, skipped)
    unmap_csv = write_unmap_csv(args.out, args.topo, clock, unmap_rows)
    print_arraywalk(args.topo, clock, rows)
    print_unmap(args.topo, clock, unmap_rows)
    migrate_csv = write_migrate_csv(args.out, args.topo, clock, migrate_rows)
    print_migrate(args.topo, clock, migrate_rows, migrate_skipped)
    pngs = [p for p in (plot_pingpong(args.out, args.topo, clock, results),
                        plot_arraywalk(args.out, args.topo, clock, rows)) if p]
    print(f"\nwrote {pingpong_csv}, {arraywalk_csv}, {unmap_csv}, {migrate_csv}"
          + (f", {', '.join(pngs)}" if pngs else " (no plots)"))

    errors = pingpong_errors + arraywalk_errors + unmap_errors + migrate_errors
    for error in errors:
        print(f"bench: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
