"""scripts/bench/run.py (make bench-ipc) without QEMU: ipcbench's BENCH lines into the
round-trip results, and those into the one-way table in Pistachio's pingpong form and
its CSV.

    python3 -m unittest discover -s tests/grader -p test_bench_ipc.py   (part of make grader-tests)
"""
import contextlib
import csv
import importlib.util
import io
import os
import sys
import tempfile
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "scripts"))
sys.path.append(os.path.join(REPO, "scripts", "bench"))  # run.py's own imports (qemu_run)

import compat  # noqa: E402


def load_script(name, path):
    """A script as a module under `name` (run.py's own name is too common for sys.modules)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench_run = load_script("bench_run", os.path.join(REPO, "scripts", "bench", "run.py"))

# A 2x2 run as ipcbench prints it: every case and size except the cross-CPU
# inter-AS case with 63 words, which failed.
LINES = """\
BENCH config cpus=4 batches=10 rounds_per_batch=2000 client_cpu=0 remote_cpu=1
ipcbench: cycles are rdtsc differences on the client's CPU
BENCH ipc case=same_cpu_same_space words=0 rounds=20000 cycles_per_rtt=1635 min=1635 mean=1635 cpus=0,0
BENCH ipc case=same_cpu_same_space words=2 rounds=20000 cycles_per_rtt=1657 min=1657 mean=1661 cpus=0,0
BENCH ipc case=same_cpu_same_space words=8 rounds=20000 cycles_per_rtt=1723 min=1723 mean=1723 cpus=0,0
BENCH ipc case=same_cpu_same_space words=63 rounds=20000 cycles_per_rtt=2328 min=2328 mean=2328 cpus=0,0
BENCH ipc case=same_cpu_cross_space words=0 rounds=20000 cycles_per_rtt=1637 min=1637 mean=1640 cpus=0,0
BENCH ipc case=same_cpu_cross_space words=2 rounds=20000 cycles_per_rtt=1659 min=1659 mean=1662 cpus=0,0
BENCH ipc case=same_cpu_cross_space words=8 rounds=20000 cycles_per_rtt=1725 min=1725 mean=1725 cpus=0,0
BENCH ipc case=same_cpu_cross_space words=63 rounds=20000 cycles_per_rtt=2331 min=2330 mean=2331 cpus=0,0
BENCH ipc case=cross_cpu_same_space words=0 rounds=20000 cycles_per_rtt=3731 min=3731 mean=3731 cpus=0,1
BENCH ipc case=cross_cpu_same_space words=8 rounds=20000 cycles_per_rtt=3819 min=3819 mean=3819 cpus=0,1
BENCH ipc case=cross_cpu_same_space words=63 rounds=20000 cycles_per_rtt=4424 min=4424 mean=4424 cpus=0,1
BENCH ipc case=cross_cpu_cross_space words=0 rounds=20000 cycles_per_rtt=3731 min=3731 mean=3731 cpus=0,1
BENCH ipc case=cross_cpu_cross_space words=8 rounds=20000 cycles_per_rtt=3819 min=3819 mean=3819 cpus=0,1
BENCH fail case=cross_cpu_cross_space words=63 reason=echo-not-intact
BENCH done measured=13 failed=1
""".splitlines()


def one_way_output(clock, lines=LINES):
    """The rows of the one-way table and what print_one_way printed for `lines`."""
    results, _, _, _ = bench_run.parse_bench_lines(lines)
    rows = bench_run.one_way_rows(results)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        bench_run.print_one_way("2x2", clock, rows)
    return rows, out.getvalue()


def table_line(text, label):
    """The printed table's row that starts with `label`, split into words after it."""
    for line in text.splitlines():
        if line.startswith(label):
            return line[len(label):].split()
    raise AssertionError(f"no row {label!r} in:\n{text}")


class OneWayTable(unittest.TestCase):
    def test_one_way_is_half_the_median_round_trip(self):
        rows, _ = one_way_output("icount")
        cells = {(r["ipc"], r["cpu"], r["words"]): r["one_way"] for r in rows}
        self.assertEqual(cells[("intra-AS", "same", 0)], 817.5)
        self.assertEqual(cells[("inter-AS", "same", 63)], 1165.5)
        self.assertEqual(cells[("intra-AS", "other", 8)], 1909.5)
        self.assertEqual(cells[("inter-AS", "other", 0)], 1865.5)

    def test_only_pingpongs_sizes_and_measured_cells(self):
        rows, _ = one_way_output("icount")
        self.assertEqual({r["words"] for r in rows}, {0, 8, 63})  # not the 2-word lines
        self.assertNotIn(("inter-AS", "other", 63), {(r["ipc"], r["cpu"], r["words"]) for r in rows})
        self.assertEqual(len(rows), 11)  # 4 rows x 3 sizes, less the failed one

    def test_cases_map_to_pingpongs_rows(self):
        rows, _ = one_way_output("icount")
        case = {(r["ipc"], r["cpu"]): r["case"] for r in rows}
        self.assertEqual(case, {("inter-AS", "same"): "same_cpu_cross_space",
                                ("inter-AS", "other"): "cross_cpu_cross_space",
                                ("intra-AS", "same"): "same_cpu_same_space",
                                ("intra-AS", "other"): "cross_cpu_same_space"})

    def test_printed_table(self):
        _, text = one_way_output("icount")
        self.assertIn("One-way IPC, Pistachio pingpong form", text)
        self.assertIn("guest instructions", text)
        self.assertEqual(table_line(text, "inter-AS, same CPU"), ["818.5", "862.5", "1165.5", "100.9", "116.0",
                                                                  "170.9"])
        self.assertEqual(table_line(text, "intra-AS, same CPU"), ["817.5", "861.5", "1164.0", "99.8", "114.8",
                                                                  "169.8"])
        # No Pistachio figures beside the other-CPU rows; a cell not measured is "-".
        self.assertEqual(table_line(text, "inter-AS, other CPU"), ["1865.5", "1909.5", "-"])
        self.assertEqual(table_line(text, "intra-AS, other CPU"), ["1865.5", "1909.5", "2212.0"])

    def test_tsc_states_its_unit(self):
        _, text = one_way_output("tsc")
        self.assertIn("emulated time-stamp counter", text)
        self.assertIn("not comparable", text)

    def test_one_cpu_leaves_the_other_cpu_rows_empty(self):
        lines = [line for line in LINES if "cross_cpu" not in line]
        lines.append("BENCH skip case=cross_cpu_same_space reason=one_cpu")
        rows, text = one_way_output("icount", lines)
        self.assertEqual({r["cpu"] for r in rows}, {"same"})
        self.assertEqual(table_line(text, "intra-AS, other CPU"), ["-", "-", "-"])

    def test_csv(self):
        rows, _ = one_way_output("icount")
        with tempfile.TemporaryDirectory() as out:
            path = os.path.join(out, "ipc-oneway.csv")
            bench_run.write_csv(path, bench_run.ONE_WAY_FIELDS, [dict(r, topo="2x2", clock="icount") for r in rows])
            with open(path, newline="", encoding="utf-8") as f:
                read = list(csv.DictReader(f))
        self.assertEqual(len(read), 11)
        self.assertEqual(read[0], {"topo": "2x2", "clock": "icount", "ipc": "inter-AS", "cpu": "same", "words": "0",
                                   "one_way": "818.5", "case": "same_cpu_cross_space", "pistachio": "100.9"})
        other = next(r for r in read if r["cpu"] == "other")
        self.assertEqual(other["pistachio"], "")

    def test_pistachio_figures_agree_with_make_compat(self):
        self.assertEqual(bench_run.PISTACHIO_ONE_WAY["inter-AS"], compat.PISTACHIO[1])
        self.assertEqual(bench_run.PISTACHIO_ONE_WAY["intra-AS"], compat.PISTACHIO[2])
        self.assertEqual(compat.MODES[1], "inter-AS")
        self.assertEqual(compat.MODES[2], "intra-AS")


class RoundTripLines(unittest.TestCase):
    def test_every_size_is_a_result(self):
        results, skipped, failures, done = bench_run.parse_bench_lines(LINES)
        self.assertEqual(len(results), 13)
        self.assertEqual({r["words"] for r in results}, {"0", "2", "8", "63"})
        self.assertEqual(results[3], {"case": "same_cpu_same_space", "words": "63", "rounds": "20000",
                                      "cycles_per_rtt": "2328", "min": "2328", "mean": "2328", "cpus": "0,0",
                                      "batches": "10", "client_cpu": "0", "server_cpu": "0"})
        self.assertEqual(skipped, [])
        self.assertEqual([(f["case"], f["words"], f["reason"]) for f in failures],
                         [("cross_cpu_cross_space", "63", "echo-not-intact")])
        self.assertEqual(done, {"measured": "13", "failed": "1"})


if __name__ == "__main__":
    unittest.main()
