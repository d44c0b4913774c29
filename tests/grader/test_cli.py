"""grade.py as the Makefile calls it: a separate process, exit status, text and JSON."""

import json
import shlex
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import support

GRADE = support.REPO / "grader" / "grade.py"


def grade(*args):
    fake = shlex.join([sys.executable, str(support.FAKE_QEMU)])
    command = [sys.executable, str(GRADE), *args]
    if args[0] == "run":
        command += ["--qemu", fake, "--kernel", support.KERNEL]
    return subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=120)


class Cli(unittest.TestCase):
    def test_passing_runs_exit_0_with_json(self):
        done = grade("run", "--topo", "uma,2x2", "--topo", "asym", "--tests", "a,b",
                     "--kargs", "fake=pass", "--json", "-j", "3")
        self.assertEqual(done.returncode, 0, done.stderr)
        report = json.loads(done.stdout)
        self.assertTrue(report["passed"])
        self.assertEqual([r["preset"] for r in report["runs"]], ["uma", "2x2", "asym"])
        run = report["runs"][0]
        self.assertEqual(run["verdict"], "pass")
        self.assertEqual(run["test_results"]["a"]["state"], "pass")
        self.assertIn(f"nonce={run['nonce']}", run["cmdline"])

    def test_failing_run_exits_1_and_explains(self):
        done = grade("run", "--topo", "uma", "--tests", "a", "--kargs", "fake=panic")
        self.assertEqual(done.returncode, 1, done.stderr)
        out = done.stdout
        self.assertIn("FAIL  uma test=a fake=panic", out)
        self.assertIn("kernel panic: PANIC cpu=1", out)
        self.assertIn("expected: QEMU exit 33", out)
        self.assertIn(">", out)  # the PANIC line is marked
        self.assertIn("rerun alone:\n  make qemu TOPO=uma KARGS='exit test=a nonce=", out)
        self.assertIn("make qemu-gdb TOPO=uma", out)
        self.assertIn("make gdb", out)
        self.assertIn("record it once, replay it exactly (one CPU; docs/debugging.md):\n  make record TOPO=uma", out)
        self.assertIn("0 of 1 runs passed", out)

    def test_failing_run_in_json(self):
        done = grade("run", "--topo", "uma", "--tests", "a", "--kargs", "fake=forged", "--json")
        self.assertEqual(done.returncode, 1)
        run = json.loads(done.stdout)["runs"][0]
        self.assertEqual(run["verdict"], "failed_check")
        self.assertIn("forged", run["problems"][0]["message"])
        self.assertEqual(set(run["commands"]), {"make", "qemu", "debug", "record"})  # uma: one CPU
        self.assertTrue(run["serial"]["excerpt"])

    def test_one_run_per_preset_and_kargs_and_repeat(self):
        done = grade("run", "--topo", "all", "--kargs", "fake=pass", "--kargs",
                     "fake=pass numa=fake:2", "--repeat", "2", "--json", "-j", "4")
        self.assertEqual(done.returncode, 0, done.stdout[-2000:])
        runs = json.loads(done.stdout)["runs"]
        self.assertEqual(len(runs), len(support.PRESETS) * 2 * 2)

    def test_expect_block_per_preset(self):
        with tempfile.TemporaryDirectory() as directory:
            Path(directory, "topo-uma.txt").write_text("topology: nodes=1 cpus=1\nnode 0: cpus=1\n")
            Path(directory, "topo-2x2.txt").write_text("topology: nodes=2 cpus=4\nnode 0: cpus=3\n")
            done = grade("run", "--topo", "uma,2x2", "--kargs", "fake=pass",
                         "--expect-block", f"{directory}/topo-{{topo}}.txt",
                         "--log-dir", f"{directory}/logs")
            logs = sorted(p.name for p in Path(directory, "logs").iterdir())
        self.assertEqual(done.returncode, 1)
        self.assertIn("PASS  uma", done.stdout)
        self.assertIn("-node 0: cpus=3", done.stdout)
        self.assertEqual(logs, ["001-uma.log", "002-2x2.log"])

    def test_usage_errors_exit_2(self):
        cases = [(["run", "--topo", "nosuch"], "known presets: uma, 2x2"),
                 (["run", "--tests", "a,a"], "named twice"),
                 (["run", "--kargs", "nonce=1"], "set by the grader"),
                 (["run", "--expect-block", "/nonexistent/{topo}"], "/nonexistent/2x2"),
                 (["run", "--expect-regex", "("], "missing ), unterminated subpattern"),
                 (["run", "--timeout", "0"], "limits must be positive")]
        for args, message in cases:
            with self.subTest(args=args):
                done = grade(*args)
                self.assertEqual(done.returncode, 2, done.stdout)
                self.assertIn(message, done.stderr)

    def test_missing_kernel(self):
        done = subprocess.run([sys.executable, str(GRADE), "run", "--kernel", "/nonexistent.elf"],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 2)
        self.assertIn("kernel not found: /nonexistent.elf", done.stderr)

    def test_presets_listing(self):
        done = grade("presets")
        self.assertEqual(done.returncode, 0)
        self.assertRegex(done.stdout, r"(?m)^2x2\s+cpus=4 nodes=2\s+-smp 4")
        self.assertEqual(len(done.stdout.splitlines()), len(support.PRESETS) + 1)


if __name__ == "__main__":
    unittest.main()
