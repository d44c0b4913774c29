"""test_eval.py: `make eval-test`: runs the evaluation lab's tiny setting (scripts/eval/
eval.py --mode tiny: 2x2, two boots per experiment) into a temporary directory and checks
its report: every experiment's table is there with numbers in its rows, and the plots the
report shows exist as PNG files.

mk/eval.mk passes eval.py's paths in PROXIMA_EVAL_ARGS.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SECTIONS = {"## a. IPC cost": "remote / IPC", "## b. Memory-intensive application": "remote / walk",
            "## c. Global unmap": "remote / unmap"}
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class TinyEval(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        args = os.environ.get("PROXIMA_EVAL_ARGS")
        if not args:
            raise unittest.SkipTest("PROXIMA_EVAL_ARGS is not set: run make eval-test")
        cls.out = tempfile.mkdtemp(prefix="proxima-eval-")
        command = [sys.executable, os.path.join(ROOT, "scripts/eval/eval.py"), "--mode", "tiny", "--out", cls.out]
        cls.run_result = subprocess.run(command + shlex.split(args), cwd=ROOT, capture_output=True, text=True,
                                        timeout=900)
        path = os.path.join(cls.out, "report.md")
        cls.report = ""
        if os.path.exists(path):
            with open(path, encoding="utf-8") as report:
                cls.report = report.read()

    def test_run_succeeded(self):
        self.assertEqual(self.run_result.returncode, 0, self.run_result.stdout[-3000:] + self.run_result.stderr)

    def section(self, heading):
        start = self.report.find(heading)
        self.assertGreaterEqual(start, 0, f"no section {heading!r} in the report")
        end = self.report.find("\n## ", start + 1)
        return self.report[start:end if end >= 0 else len(self.report)]

    def tables(self, heading):
        """The section's tables, each a list of rows of cells (header first, no separator)."""
        tables, current = [], None
        for line in self.section(heading).splitlines():
            if not line.startswith("|"):
                current = None
                continue
            if current is None:
                current = []
                tables.append(current)
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if not all(set(cell) <= {"-"} for cell in cells):
                current.append(cells)
        return tables

    def assert_numeric(self, heading, rows, column):
        header = rows[0]
        self.assertIn(column, header)
        self.assertGreaterEqual(len(rows), 2, f"{heading}: no table rows")
        at = header.index(column)
        for cells in rows[1:]:
            self.assertRegex(cells[at], NUMBER, f"{heading}: {cells}")
            self.assertRegex(cells[-1], NUMBER, f"{heading}: {cells}")

    def test_every_table_has_numeric_rows(self):
        for heading, column in SECTIONS.items():
            with self.subTest(section=heading):
                tables = self.tables(heading)
                self.assertTrue(tables, f"{heading}: no table")
                self.assert_numeric(heading, tables[0], column)

    def check_pair_table(self, key, kinds, figure):
        heading = "## b. Memory-intensive application"
        found = [t for t in self.tables(heading) if key in t[0]]
        self.assertEqual(len(found), 1, f"no table of {' vs '.join(sorted(kinds))} {key} ({figure})")
        self.assert_numeric(heading, found[0], "remote / walk")
        self.assertEqual({cells[found[0][0].index(key)] for cells in found[0][1:]}, kinds)

    def test_local_and_global_mappings(self):
        self.check_pair_table("mappings", {"local", "global"}, "Figure 5.13")

    def test_single_and_per_node_spaces(self):
        self.check_pair_table("spaces", {"single", "node"}, "Figure 5.16")
        # overlap 1: with one space a shared page faults once, not once per node
        rows = [t for t in self.tables("## b. Memory-intensive application") if "spaces" in t[0]][0]
        at, faults = rows[0].index("spaces"), rows[0].index("faults")
        counts = {cells[at]: int(cells[faults]) for cells in rows[1:]}
        self.assertLess(counts["single"] * 3, counts["node"] * 2, f"spaces=single did not save faults: {counts}")

    def test_both_oses_in_arraywalk_and_unmap(self):
        for heading in ("## b. Memory-intensive application", "## c. Global unmap"):
            text = self.section(heading)
            self.assertIn("| base |", text)
            self.assertIn("| numa |", text)

    def test_plots_exist(self):
        images = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", self.report)
        self.assertGreaterEqual(len(images), 3, "fewer than one plot per experiment")
        for image in images:
            path = os.path.join(self.out, image)
            self.assertTrue(os.path.isfile(path), f"{image} missing")
            with open(path, "rb") as png:
                self.assertEqual(png.read(8), b"\x89PNG\r\n\x1a\n", f"{image} is not a PNG")


if __name__ == "__main__":
    unittest.main()
