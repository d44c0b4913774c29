"""migrate.py: migratebench, the cost of one os::migrate_thread call (Lab 7, thesis
4.2.4), for apps.py (make bench-apps) and check_apps.py (make check-apps): one boot,
three cases, and the table and CSV of the results.

    OUT/migratebench.csv   topo, clock, case, nodes, rounds, cycles_median, cycles_min,
                           there_median, back_median, faults, ok: one row per case
                           measured (there: from the first CPU to the second)

(Not migrate.csv: `make bench-ipc` writes that one into the same directory, ipcbench's
moves of a blocked thread with Schedule.) The line protocol is in
userland/apps/migratebench/main.cc.
"""
import os

from qemu_run import CLOCK_NOTES, parse_fields, write_csv

MIGRATE_FIELDS = ["topo", "clock", "case", "nodes", "rounds", "cycles_median", "cycles_min", "there_median",
                  "back_median", "faults", "ok"]
# Every run measures or skips each of them, in this order.
CASES = ["same_node", "other_node_new_space", "other_node_joined"]


def run_migratebench(booter, rounds):
    """migratebench's rows (one per case measured), skipped cases and errors."""
    program_args = f"rounds={rounds}"
    lines, error = booter.boot("migratebench", program_args, "migratebench")
    rows, skipped, errors = [], [], []
    for line in lines:
        words = line.split()
        if words[:1] != ["MIGRATEBENCH"] or len(words) < 2:
            continue
        if words[1] == "error":
            errors.append(line)
        elif words[1] == "skip":
            skipped.append(parse_fields(words[2:]))
        elif words[1].startswith("case="):
            row = parse_fields(words[1:])
            rows.append(row)
            if row.get("ok") != "1":
                errors.append(f"migratebench {program_args}: case {row.get('case')} not ok")
    seen = [r.get("case") for r in rows + skipped]
    if error is None and sorted(seen) != sorted(CASES):
        error = f"migratebench {program_args}: measured or skipped {' '.join(seen) or 'nothing'}, not {' '.join(CASES)}"
    if error:
        errors.append(error)
    return rows, skipped, errors


def write_migrate_csv(out, topo, clock, rows):
    path = os.path.join(out, "migratebench.csv")
    write_csv(path, MIGRATE_FIELDS, [dict(r, topo=topo, clock=clock) for r in rows])
    return path


def print_migrate(topo, clock, rows, skipped):
    print(f"\nmigratebench: cycles per os::migrate_thread call (the main thread moves itself, one way) on {topo};"
          f" {CLOCK_NOTES[clock]}; faults: the task's during the measured moves")
    print(f"{'case':<22}{'nodes':>6}{'rounds':>7}{'median':>10}{'min':>10}{'there':>10}{'back':>10}{'faults':>7}  ok")
    measured = {r.get("case"): r for r in rows}
    skips = {s.get("case"): s for s in skipped}
    for case in CASES:
        r = measured.get(case)
        if r is not None:
            print(f"{case:<22}{r['nodes']:>6}{r['rounds']:>7}{r['cycles_median']:>10}{r['cycles_min']:>10}"
                  f"{r.get('there_median', '-'):>10}{r.get('back_median', '-'):>10}{r.get('faults', '-'):>7}"
                  f"  {'yes' if r.get('ok') == '1' else 'NO'}")
        elif case in skips:
            print(f"{case:<22}  skipped: {skips[case].get('reason', '')}")
