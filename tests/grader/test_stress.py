"""scripts/stress.py: how the grader's JSON reports become the flake table.

The stage runs a stand-in for `grade.py run` that prints a canned report, so
the accounting is checked without booting anything: failures counted per
(test, preset, kernel options), the first failing run's log and rerun command
kept, a run that failed with every test passed listed as `(run)`.
"""

import importlib.util
import json
import sys
import tempfile
import unittest
from pathlib import Path

import support

spec = importlib.util.spec_from_file_location("stress", support.REPO / "scripts" / "stress.py")
stress = importlib.util.module_from_spec(spec)
spec.loader.exec_module(stress)


def run(preset, passed, results, kargs=(), rerun="make qemu", replay=None):
    commands = {"make": rerun, **({"replay": replay} if replay else {})}
    return {"preset": preset, "passed": passed, "kargs": list(kargs), "commands": commands,
            "test_results": {name: {"state": state} for name, state in results.items()}}


class FlakeTable(unittest.TestCase):
    def stage(self, runs, record=False):
        report = json.dumps({"passed": all(r["passed"] for r in runs), "runs": runs})
        # The stand-in reports only when given --record exactly when asked to record.
        check = f"import sys; assert ('--record' in sys.argv) == {record}, sys.argv; print({report!r})"
        with tempfile.TemporaryDirectory() as logs:
            return stress.run_stage("core", [[sys.executable, "-c", check]], Path(logs), record), logs

    def test_failures_counted_per_test_and_preset_with_the_first_log(self):
        result, logs = self.stage([
            run("2x2", True, {"a": "pass", "b": "pass"}),
            run("n8", False, {"a": "fail", "b": "pass"}, rerun="make qemu TOPO=n8 first"),
            run("n8", False, {"a": "fail", "b": "pass"}, rerun="make qemu TOPO=n8 second"),
            run("n8", False, {"a": "pass", "b": "pass"}),   # panicked after its results
            run("n8", True, {"a": "pass", "b": "pass"}, kargs=["fastpath=off"]),
        ])
        self.assertEqual((result.runs, result.failed_runs), (5, 3))
        flake = result.flakes[("a", "n8", "")]
        self.assertEqual(flake.failures, 2)
        self.assertEqual(flake.first_log, str(Path(logs, "core", "002-n8.log")))
        self.assertEqual(flake.rerun, "make qemu TOPO=n8 first")
        self.assertEqual(result.flakes[("(run)", "n8", "")].failures, 1)
        self.assertNotIn(("b", "n8", ""), result.flakes)
        table = stress.format_table([result], 4)
        self.assertIn("2/4", table)
        self.assertIn("make qemu TOPO=n8 first", table)
        self.assertIn("(run)", table)

    def test_a_recorded_failure_lists_its_replay(self):
        result, _ = self.stage([
            run("uma", False, {"a": "fail"}, rerun="make qemu TOPO=uma", replay="make replay-gdb RR_DIR=r/uma-1"),
            run("uma", False, {"a": "fail"}, replay="make replay-gdb RR_DIR=r/uma-2"),
            run("2x2", False, {"a": "fail"}),
        ], record=True)
        self.assertEqual(result.error, "")
        self.assertEqual(result.flakes[("a", "uma", "")].replay, "make replay-gdb RR_DIR=r/uma-1")
        table = stress.format_table([result], 2)
        self.assertIn("recorded: make replay-gdb RR_DIR=r/uma-1", table)
        self.assertNotIn("uma-2", table)
        self.assertEqual(table.count("recorded:"), 1)   # 2x2 was not recorded

    def test_a_clean_stage_says_so_and_a_missing_report_is_an_error(self):
        result, _ = self.stage([run("uma", True, {"a": "pass"})])
        self.assertIn("no test failed in 1 repeats", stress.format_table([result], 1))
        with tempfile.TemporaryDirectory() as logs:
            broken = stress.run_stage("os", [[sys.executable, "-c", "print('not json')"]], Path(logs))
        self.assertIn("no report", broken.error)


class Selection(unittest.TestCase):
    SUITES = {"boot": [], "core": [], "os": [], "numaos": []}

    def test_lab_and_stage_select_alone_or_together(self):
        names = lambda labs, stage: stress.stage_names(labs, stage, [1, 2], self.SUITES)  # noqa: E731
        self.assertEqual(names(None, None), ["lab1", "lab2", "boot", "core", "os", "numaos"])
        self.assertEqual(names([2], None), ["lab2"])
        self.assertEqual(names(None, "core,os"), ["core", "os"])
        # Both: that lab and those suites (it once ran nothing and crashed on the table).
        self.assertEqual(names([2], "numaos"), ["lab2", "numaos"])


if __name__ == "__main__":
    unittest.main()
