#!/usr/bin/env python3
"""run.py: boots the IPC benchmark in QEMU and turns its BENCH lines into a table.

`make bench` (mk/bench.mk) calls it with the QEMU command after `--`: the kernel with
sigma0 and userland/ipcbench as modules, on one machine preset. This script adds the
serial port, runs QEMU until ipcbench ends the run through isa-debug-exit (or the
timeout passes), keeps the whole serial output in OUT/ipc-TOPO-CLOCK.log, and writes

    OUT/ipc.csv   topo, clock, case, words, rounds, batches, cycles_per_rtt (median),
                  min, mean, client_cpu, server_cpu: one row per measurement
    OUT/ipc.png   a bar chart of the medians (only when gnuplot is installed; its data
                  table is OUT/ipc.dat)
    OUT/ipc-oneway.csv
                  topo, clock, ipc (inter-AS or intra-AS), cpu (same or other), words,
                  one_way (the median round trip / 2), case, pistachio (its figure, or
                  empty): the one-way table below, one row per cell measured

and prints two tables: the round trips as measured, and the one-way cost in the form
of L4Ka::Pistachio's pingpong benchmark (inter- and intra-address-space, same CPU and
other CPU, 0, 8 and 63 words; a round trip is two IPCs, so one-way is half of it),
with Pistachio's own figures beside the same-CPU rows. The line protocol is in
userland/ipcbench/main.cc.

The cycles are read with rdtsc inside QEMU. Under TCG (no KVM) the emulated
time-stamp counter follows the host's clock (clock "tsc"): compare kernels and cases
with it on one quiet host, not with real hardware. With --icount (QEMU -icount
shift=0) it advances one per instruction the guest executes (clock "icount").
"""
import argparse
import os
import sys

from qemu_run import CLOCK_NOTES, EXIT_FAILED, EXIT_OK, EXIT_PANIC, cycles_label, gnuplot, parse_fields, run_qemu, \
    write_csv

CSV_FIELDS = ["topo", "clock", "case", "words", "rounds", "batches", "cycles_per_rtt", "min", "mean",
              "client_cpu", "server_cpu"]


MIGRATE_FIELDS = ["topo", "clock", "kargs", "case", "moves", "cycles_per_move", "min", "mean", "tcb_moves", "cpus"]

# The one-way table: pingpong's rows, each the ipcbench case that measures it, and its
# columns, the message sizes pingpong prints (it prints every size 0 to 63).
ONE_WAY_ROWS = [
    ("inter-AS", "same", "same_cpu_cross_space"),
    ("inter-AS", "other", "cross_cpu_cross_space"),
    ("intra-AS", "same", "same_cpu_same_space"),
    ("intra-AS", "other", "cross_cpu_same_space"),
]
ONE_WAY_WORDS = (0, 8, 63)
ONE_WAY_FIELDS = ["topo", "clock", "ipc", "cpu", "words", "one_way", "case", "pistachio"]
# L4Ka::Pistachio's own IA-32 kernel running its pingpong, one CPU, under QEMU -icount
# shift=0: guest instructions per one-way IPC by untyped words, as docs/benchmarks.md
# gives them in its section "Pistachio's pingpong (`make compat`)" (measured with the
# oracle of ../shared/oracles/README.md; scripts/compat.py's PISTACHIO holds the same
# figures as modes 1 and 2, and tests/grader/test_bench_ipc.py checks that they agree).
# Only the same-CPU rows have them: Pistachio's figures are uniprocessor ones.
PISTACHIO_ONE_WAY = {
    "inter-AS": {0: 100.9, 8: 116.0, 63: 170.9},
    "intra-AS": {0: 99.8, 8: 114.8, 63: 169.8},
}


def parse_bench_lines(lines, migrations=None):
    """The measurements (with the run's settings and both CPUs in each), skipped cases,
    failures and the done line of a run; the migration lines go to `migrations`."""
    config, results, skipped, failures, done = {}, [], [], [], None
    for line in lines:
        words = line.split()
        if len(words) < 2 or words[0] != "BENCH":
            continue
        fields = parse_fields(words[2:])
        if words[1] == "config":
            config = fields
        elif words[1] == "ipc":
            client, _, server = fields.get("cpus", "?,?").partition(",")
            results.append(dict(fields, batches=config.get("batches", "?"), client_cpu=client, server_cpu=server))
        elif words[1] == "migrate":
            if migrations is not None:
                migrations.append(fields)
        elif words[1] == "skip":
            skipped.append(fields)
        elif words[1] == "fail":
            fields["reason"] = line.partition("reason=")[2]
            failures.append(fields)
        elif words[1] == "done":
            done = fields
    return results, skipped, failures, done


def plot(out_dir, topo, clock, results):
    """A bar chart of the medians by case, one bar per message size; the PNG's path, or
    None when gnuplot is not installed or failed."""
    if not results:
        return None
    cases = list(dict.fromkeys(r["case"] for r in results))
    sizes = sorted({r["words"] for r in results}, key=int)
    median = {(r["case"], r["words"]): r["cycles_per_rtt"] for r in results}
    data_path = os.path.join(out_dir, "ipc.dat")
    with open(data_path, "w", encoding="utf-8") as data:
        data.write("case " + " ".join(f"words={s}" for s in sizes) + "\n")
        for case in cases:
            data.write(case + " " + " ".join(median.get((case, s), "-") for s in sizes) + "\n")
    png_path = os.path.join(out_dir, "ipc.png")
    columns = ", ".join(f"'{data_path}' using {i + 2}:xtic(1) title columnheader" for i in range(len(sizes)))
    script = f"""
set terminal png size 900,560
set output '{png_path}'
set title "Proxima IPC round trip, {topo}: median of batches"
set ylabel "{cycles_label(clock)} per round trip"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set datafile missing '-'
set key top left
set yrange [0:*]
set xtics noenhanced rotate by 20 right
plot {columns}
"""
    return png_path if gnuplot(script) else None


def print_table(topo, clock, results, skipped, failures):
    print(f"\nIPC round trip (Call + ReplyWait) on {topo}; {CLOCK_NOTES[clock]}")
    print(f"{'case':<24}{'words':>6}{'rounds':>8}{'median':>9}{'min':>9}{'mean':>9}  cpus")
    for r in results:
        print(f"{r['case']:<24}{r['words']:>6}{r['rounds']:>8}{r['cycles_per_rtt']:>9}{r['min']:>9}"
              f"{r['mean']:>9}  {r['client_cpu']}->{r['server_cpu']}")
    for s in skipped:
        print(f"{s.get('case', '?'):<24}  skipped: {s.get('reason', '')}")
    for f in failures:
        print(f"{f.get('case', '?'):<24}  FAILED (words={f.get('words', '-')}): {f.get('reason', '')}")


def one_way_rows(results):
    """The one-way table's cells that were measured, in table order: one dict per row
    and message size, with one_way = the median round trip / 2 (a float) and Pistachio's
    figure for the same-CPU rows (None elsewhere)."""
    median = {(r["case"], r["words"]): r["cycles_per_rtt"] for r in results}
    rows = []
    for ipc, cpu, case in ONE_WAY_ROWS:
        for words in ONE_WAY_WORDS:
            rtt = median.get((case, str(words)))
            if rtt is None:
                continue
            reference = PISTACHIO_ONE_WAY[ipc][words] if cpu == "same" else None
            rows.append({"ipc": ipc, "cpu": cpu, "words": words, "one_way": int(rtt) / 2, "case": case,
                         "pistachio": reference})
    return rows


def _one_way_text(value):
    return "-" if value is None else f"{value:.1f}"


def print_one_way(topo, clock, rows):
    """The one-way cells as pingpong's table: a row per kind of IPC and CPU, a column per
    message size, Pistachio's figures on the right; "-" for a cell not measured."""
    cell = {(r["ipc"], r["cpu"], r["words"]): r["one_way"] for r in rows}
    sizes = "".join(f"{str(w) + ' words':>10}" for w in ONE_WAY_WORDS)
    print(f"\nOne-way IPC, Pistachio pingpong form (median round trip / 2) on {topo}; {CLOCK_NOTES[clock]}")
    print(f"{'':<21}{'Proxima':^{10 * len(ONE_WAY_WORDS)}}  {'Pistachio':^{10 * len(ONE_WAY_WORDS)}}".rstrip())
    print(f"{'IPC':<21}{sizes}  {sizes}")
    for ipc, cpu, _ in ONE_WAY_ROWS:
        ours = "".join(f"{_one_way_text(cell.get((ipc, cpu, w))):>10}" for w in ONE_WAY_WORDS)
        theirs = "".join(f"{PISTACHIO_ONE_WAY[ipc][w]:>10}" for w in ONE_WAY_WORDS) if cpu == "same" else ""
        print(f"{ipc + ', ' + cpu + ' CPU':<21}{ours}  {theirs}".rstrip())
    print("Pistachio: its own IA-32 kernel, one CPU, guest instructions under -icount shift=0 "
          "(docs/benchmarks.md, make compat)" + ("" if clock == "icount" else "; not comparable with tsc cycles"))


def print_migrations(topo, clock, migrations, kargs):
    if not migrations:
        return
    print(f"\nThread migration (Schedule to another CPU) on {topo}{' with ' + kargs if kargs else ''}; "
          f"{CLOCK_NOTES[clock]}")
    print(f"{'case':<24}{'moves':>8}{'median':>9}{'min':>9}{'mean':>9}  tcb_moves  cpus")
    for m in migrations:
        print(f"{m['case']:<24}{m['moves']:>8}{m['cycles_per_move']:>9}{m['min']:>9}{m['mean']:>9}  "
              f"{m['tcb_moves']:>9}  {m['cpus']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topo", required=True, help="machine preset name (for the output)")
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before QEMU is stopped")
    parser.add_argument("--icount", action="store_true", help="QEMU runs with -icount shift=0")
    parser.add_argument("--kargs", default="", help="the kernel options of the run (for the output)")
    parser.add_argument("qemu", nargs=argparse.REMAINDER, help="-- then the QEMU command")
    args = parser.parse_args()
    command = args.qemu[1:] if args.qemu[:1] == ["--"] else args.qemu
    if not command:
        parser.error("no QEMU command after --")

    clock = "icount" if args.icount else "tsc"
    os.makedirs(args.out, exist_ok=True)
    log_path = os.path.join(args.out, f"ipc-{args.topo}-{clock}.log")
    print(f"bench: booting ipcbench on {args.topo} (serial log {log_path}; up to {args.timeout:.0f} s)",
          flush=True)
    status, lines = run_qemu(command, log_path, args.timeout, ("BENCH", "ipcbench", "PANIC", "sigma0:"))
    migrations = []
    results, skipped, failures, done = parse_bench_lines(lines, migrations)

    csv_path = os.path.join(args.out, "ipc.csv")
    write_csv(csv_path, CSV_FIELDS, [dict(r, topo=args.topo, clock=clock) for r in results])
    print_table(args.topo, clock, results, skipped, failures)
    one_way = one_way_rows(results)
    print_one_way(args.topo, clock, one_way)
    one_way_path = os.path.join(args.out, "ipc-oneway.csv")
    write_csv(one_way_path, ONE_WAY_FIELDS, [dict(r, topo=args.topo, clock=clock) for r in one_way])
    print_migrations(args.topo, clock, migrations, args.kargs)
    write_csv(os.path.join(args.out, "migrate.csv"), MIGRATE_FIELDS,
              [dict(m, topo=args.topo, clock=clock, kargs=args.kargs) for m in migrations])
    png_path = plot(args.out, args.topo, clock, results)
    print(f"\nwrote {csv_path}, {one_way_path}"
          + (f" and {png_path}" if png_path else " (no plot: gnuplot is not installed)"))

    if status is None:
        print(f"bench: QEMU did not finish within {args.timeout:.0f} s; see {log_path}", file=sys.stderr)
        return 1
    if status == EXIT_PANIC:
        print(f"bench: the kernel panicked; see {log_path}", file=sys.stderr)
        return 1
    if done is None or status not in (EXIT_OK, EXIT_FAILED):
        print(f"bench: the run ended without ipcbench's last line (QEMU status {status}); see {log_path}",
              file=sys.stderr)
        return 1
    if failures or status == EXIT_FAILED:
        print(f"bench: {len(failures)} case(s) failed; see {log_path}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
