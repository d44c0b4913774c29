"""unmap.py: unmapbench, the cost of a global unmap (thesis 5.4.2, Figure 5.17), for
apps.py (make bench-apps) and check_apps.py (make check-apps): one boot per number of
pages per unmap call, and the table and CSV of the results.

    OUT/unmap.csv   topo, clock, pages, nodes, rounds, cycles_median, cycles_mean,
                    cycles_min, ok: one row per number of pages

The line protocol is in userland/apps/unmapbench/main.cc.
"""
import os

from qemu_run import CLOCK_NOTES, parse_fields, write_csv

UNMAP_FIELDS = ["topo", "clock", "pages", "nodes", "rounds", "cycles_median", "cycles_mean", "cycles_min", "ok"]
# What a bench run measures by default: one page, one Unmap batch of the base OS less
# one, exactly one, and two (os::kMaxUnmapPages).
DEFAULT_PAGES = "1 63 64 128"


def run_unmapbench(booter, pages_list, rounds):
    """unmapbench's rows (one per number of pages) and errors."""
    rows, errors = [], []
    for pages in pages_list:
        program_args = f"pages={pages} rounds={rounds}"
        lines, error = booter.boot("unmapbench", program_args, f"unmapbench-p{pages}")
        found = 0
        for line in lines:
            words = line.split()
            if words[:1] != ["UNMAPBENCH"] or len(words) < 2:
                continue
            if words[1] == "error":
                errors.append(line)
            elif words[1].startswith("pages="):
                row = parse_fields(words[1:])
                rows.append(row)
                found += 1
                if row.get("ok") != "1":
                    errors.append(f"unmapbench {program_args}: not ok")
        if error is None and found != 1:
            error = f"unmapbench {program_args}: {found} result lines, not 1"
        if error:
            errors.append(error)
    return rows, errors


def write_unmap_csv(out, topo, clock, rows):
    path = os.path.join(out, "unmap.csv")
    write_csv(path, UNMAP_FIELDS, [dict(r, topo=topo, clock=clock) for r in rows])
    return path


def print_unmap(topo, clock, rows):
    print(f"\nunmapbench: cycles per unmap call (main thread on CPU 0, a reader on every other node) on {topo};"
          f" {CLOCK_NOTES[clock]}")
    print(f"{'pages':>6}{'nodes':>6}{'rounds':>7}{'median':>12}{'mean':>12}{'min':>12}{'per page':>10}  ok")
    for r in rows:
        per_page = int(r["cycles_median"]) // int(r["pages"]) if r.get("cycles_median", "").isdigit() else "-"
        print(f"{r['pages']:>6}{r['nodes']:>6}{r['rounds']:>7}{r['cycles_median']:>12}{r['cycles_mean']:>12}"
              f"{r['cycles_min']:>12}{per_page:>10}  {'yes' if r.get('ok') == '1' else 'NO'}")
