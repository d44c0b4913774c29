"""grade.py lab, batch and classroom as make and instructors call them: exit status, files."""

import csv
import json
import shlex
import subprocess
import sys
import tempfile
import unittest
from unittest import mock
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import fake_lab
import support
from proxima_grader import batch, grading
from proxima_grader.batch import split_jobs
from proxima_grader.grading import Options, plan

GRADE = support.REPO / "grader" / "grade.py"
FAKE = shlex.join([sys.executable, str(support.FAKE_QEMU)])


def grade(*args):
    command = [sys.executable, str(GRADE), *args]
    if args[0] in ("lab", "batch"):
        command += ["--qemu", FAKE]
    return subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=120)


class LabCommand(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory()
        cls.root = Path(cls.directory.name)
        # lab1.b fails on every preset; lab1.a and lab1.c pass
        cls.kit = fake_lab.make_kit(cls.root / "kit", "fake=fail fakefail=lab1.b", hidden=True)

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def test_only_one_test_decides_the_exit_status(self):
        passing = grade("lab", "--tree", str(self.kit), "--lab", "1", "--sol", "none",
                        "--only", "lab1.a")
        self.assertEqual(passing.returncode, 0, passing.stdout + passing.stderr)
        self.assertIn("10/10  lab1.a", passing.stdout)
        self.assertNotIn("lab1.b", passing.stdout)
        failing = grade("lab", "--tree", str(self.kit), "--lab", "1", "--sol", "none",
                        "--only", "lab1.b")
        self.assertEqual(failing.returncode, 1)
        self.assertIn("score: 0/6", failing.stdout)
        self.assertIn("test=lab1.b nonce=", failing.stdout)   # only lab1.b was booted

    def test_a_partial_grade_boots_only_the_presets_asked_for(self):
        done = grade("lab", "--tree", str(self.kit), "--lab", "1", "--sol", "none", "--only-presets", "2x2")
        self.assertEqual(done.returncode, 1)
        self.assertIn("partial grade: only on 2x2", done.stderr)
        self.assertIn("lab1.a                2x2 ok\n", done.stdout)
        self.assertNotIn("uma ok", done.stdout)
        self.assertNotIn("4x1 ok", done.stdout)

    def test_reports_in_every_format(self):
        out = self.root / "reports"
        done = grade("lab", "--tree", str(self.kit), "--sol", "none", "--json", "-",
                     "--gradescope", str(out / "results.json"), "--junit", str(out / "junit.xml"))
        self.assertEqual(done.returncode, 1)
        data = json.loads(done.stdout)
        self.assertEqual([s["lab"] for s in data["stages"]], [1, 2])   # every graded lab
        self.assertEqual((data["score"], data["max_score"]), (22, 28))
        gradescope = json.loads((out / "results.json").read_text())
        self.assertEqual(gradescope["score"], 22)
        self.assertEqual(len(gradescope["tests"]), 6)   # 5 tests, and lab 1's hidden part
        suites = ElementTree.parse(out / "junit.xml").getroot().findall("testsuite")
        self.assertEqual([len(s.findall("testcase")) for s in suites], [16, 1])

    def test_everything_passes_with_the_solutions(self):
        done = grade("lab", "--tree", str(self.kit), "--lab", "2", "--lab", "1")
        self.assertEqual(done.returncode, 0, done.stdout[-3000:])
        self.assertLess(done.stdout.index("Lab 2: more"), done.stdout.index("Lab 1:"))
        self.assertIn("score: 28/28", done.stdout)

    def test_usage_errors_exit_2(self):
        cases = [(["--lab", "9"], "no lab 9"),
                 (["--only", "nosuch"], "no test named 'nosuch'"),
                 (["--sol", "1-x"], "bad SOL selection '1-x'"),
                 (["--sol", "3"], "there is no"),
                 (["--submission", "/nonexistent"], "no such submission"),
                 (["--timeout", "0"], "must be positive"),
                 (["--only-presets", "n8"], "none of the presets n8 is one of lab")]
        for args, message in cases:
            with self.subTest(args=args):
                done = grade("lab", "--tree", str(self.kit), *args)
                self.assertEqual(done.returncode, 2, done.stdout)
                self.assertIn(message, done.stderr)

    def test_classroom(self):
        done = grade("classroom", "--tree", str(self.kit))
        self.assertEqual(done.returncode, 0, done.stderr)
        tests = json.loads(done.stdout)["tests"]
        self.assertEqual([t["name"] for t in tests], ["lab1.a", "lab1.b", "lab1.c", "lab2.x"])
        first = tests[0]
        self.assertEqual(first, {"name": "lab1.a", "setup": "bash scripts/setup.sh",
                                 "run": "make grade-one LAB=1 TEST=lab1.a", "input": "",
                                 "output": "", "comparison": "included",
                                 "timeout": first["timeout"], "points": 10})
        self.assertIsInstance(first["timeout"], int)
        self.assertTrue(1 <= first["timeout"] <= 60)
        done = grade("classroom", "--tree", str(self.kit), "--lab", "2")
        self.assertEqual([t["run"] for t in json.loads(done.stdout)["tests"]],
                         ["make grade-one LAB=2 TEST=lab2.x"])


class BatchCommand(unittest.TestCase):
    def test_three_submissions_in_parallel(self):
        with tempfile.TemporaryDirectory() as directory:
            root = Path(directory)
            kit = fake_lab.make_kit(root / "kit", hidden=True)
            submissions = root / "submissions"
            fake_lab.make_submission(submissions / "alice", "")
            fake_lab.make_submission(submissions / "bob", "fake=fail fakefail=lab1.b",
                                     {"kernel/test/lab1_test.cc": "fakefail="})
            fake_lab.make_submission(submissions / "carol", "#error does not compile")
            out = submissions / "graded"   # inside the submissions: not one of them
            done = grade("batch", "--tree", str(kit), "--lab", "1", "--submissions",
                         str(submissions), "--out", str(out), "-j", "4")
            self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
            with (out / "summary.csv").open() as handle:
                rows = list(csv.DictReader(handle))
            self.assertEqual(rows, [
                {"name": "alice", "score": "23", "max": "23", "status": "ok"},
                {"name": "bob", "score": "17", "max": "23", "status": "failed"},
                {"name": "carol", "score": "0", "max": "23", "status": "build failed"}])
            for name in ("alice", "bob", "carol"):
                files = sorted(p.name for p in (out / name).iterdir())
                self.assertEqual(files, ["junit.xml", "report.txt", "result.json",
                                         "results.json"])
            bob = json.loads((out / "bob" / "results.json").read_text())
            self.assertEqual(bob["score"], 17)
            ElementTree.parse(out / "bob" / "junit.xml")
            self.assertIn("error: #error does not compile",
                          (out / "carol" / "report.txt").read_text())
            self.assertIn("[3/3]", done.stderr)

    def test_a_grader_failure_is_recorded_and_the_batch_goes_on(self):
        with tempfile.TemporaryDirectory() as directory:
            root = Path(directory)
            kit = fake_lab.make_kit(root / "kit")
            for name in ("alice", "bob"):
                fake_lab.make_submission(root / "in" / name, "")
            options = Options(tree=kit, labs=[1], jobs=2,
                              qemu=(sys.executable, str(support.FAKE_QEMU)))

            def flaky(options, stages, **kwargs):
                if options.submission.name == "bob":
                    raise RuntimeError("grader bug")
                return grading.grade(options, stages, **kwargs)

            with mock.patch.object(batch, "grade", flaky):
                entries = batch.grade_batch(options, plan(options), root / "in", root / "out")
            self.assertEqual([(e.name, e.status) for e in entries],
                             [("alice", "ok"), ("bob", "error")])
            self.assertIn("RuntimeError: grader bug", (root / "out/bob/report.txt").read_text())
            summary = (root / "out/summary.csv").read_text().splitlines()
            self.assertEqual(summary[1:], ["alice,19,19,ok", "bob,0,19,error"])

    def test_job_budget_is_shared(self):
        self.assertEqual(split_jobs(1), (1, 1))
        self.assertEqual(split_jobs(2), (2, 1))
        self.assertEqual(split_jobs(4), (2, 2))
        self.assertEqual(split_jobs(9), (4, 2))


if __name__ == "__main__":
    unittest.main()
