"""Grading a lab tree in place: scoring, hidden tests, build failures, reports and formats.

Every scenario is a fake kit (fake_lab.py) whose kernel/lab1.cc tells the
fake QEMU how to behave; all are graded once, in parallel, in setUpClass.
"""

import concurrent.futures
import json
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree
from fractions import Fraction
from pathlib import Path

import fake_lab
import support
from proxima_grader import exports, lab_report
from proxima_grader.grading import Options, grade, plan
from proxima_grader.scoring import Mark

FAKE = (sys.executable, str(support.FAKE_QEMU))

# name: (kernel/lab1.cc, SOL, with hidden tests)
SCENARIOS = {
    "partial": ("fake=fail fakefail=lab1.a,lab1.b fakeonnodes=2", "none", False),
    "forged": ("fake=forged fakeonnodes=1", "none", False),
    "panic-later": ("fake=panic fakepanic=lab1.b", "none", False),
    "duplicate": ("fake=duplicate", "none", False),
    "broken-kernel": ("fake=broken fakeonnodes=2", "none", False),
    "solution": ("fake=panic", None, True),  # the Makefile's default SOL: all
    "hidden-fails": ("fake=fail fakefail=lab1.a,lab1.secret", "none", True),
    "build-fails": ("#error broken allocator", "none", False),
}


def marks(grade_, test):
    found = next(t for s in grade_.stages for t in s.tests if t.test.name == test)
    return {preset: mark.value for preset, mark in found.marks.items()}


class LabGrading(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory()
        root = Path(cls.directory.name)

        def one(name):
            student, sol, hidden = SCENARIOS[name]
            kit = fake_lab.make_kit(root / name, student, hidden)
            options = Options(tree=kit, labs=[1], sol=sol, jobs=4, qemu=FAKE)
            return grade(options, plan(options))

        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            cls.grades = dict(zip(SCENARIOS, pool.map(one, SCENARIOS)))

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def test_partial_credit_across_presets(self):
        result = self.grades["partial"]
        self.assertEqual(marks(result, "lab1.b"), {"uma": "ok", "2x2": "FAIL", "4x1": "ok"})
        self.assertEqual(marks(result, "lab1.c"), {"uma": "ok", "2x2": "ok", "4x1": "ok"})
        # lab1.a: 10 * 2/3, lab1.b: 6 * 2/3, lab1.c: 3 -- exactly, not 13.666...7
        self.assertEqual(result.score, Fraction(20, 3) + 4 + 3)
        self.assertEqual(result.max_score, 19)
        self.assertFalse(result.passed)
        self.assertEqual(result.status, "failed")
        text = lab_report.format_text(result)
        self.assertIn("Lab 1: the fake allocator   13.67/19", text)
        self.assertRegex(text, r"4/6  lab1\.b  +uma ok, 2x2 FAIL, 4x1 ok")
        self.assertIn("2x2: FAIL expected 4 free frames, found 3", text)
        self.assertIn("--- FAIL lab1: 2x2 test=lab1.a,lab1.b,lab1.c", text)

    def test_rerun_commands_carry_the_sol_given(self):
        run = self.grades["partial"].stages[0].run_for("2x2")
        self.assertIn(" qemu TOPO=2x2 SOL=none KARGS='exit test=lab1.a,lab1.b,lab1.c nonce=",
                      run.commands()["make"])
        self.assertIn("gdb SOL=none", run.commands()["debug"])
        self.assertIn("SOL=none", lab_report.format_text(self.grades["partial"]))
        run = self.grades["solution"].stages[0].runs[0]
        self.assertNotIn("SOL=", run.commands()["make"])

    def test_forged_run_earns_nothing(self):
        result = self.grades["forged"]
        for test in ("lab1.a", "lab1.b", "lab1.c"):
            self.assertEqual(marks(result, test), {"uma": "VOID", "2x2": "ok", "4x1": "ok"})
        self.assertEqual(result.score, Fraction(19 * 2, 3))
        self.assertIn("uma: run not trusted: forged or replayed output",
                      lab_report.format_text(result))

    def test_duplicate_results_earn_nothing(self):
        result = self.grades["duplicate"]
        self.assertEqual(result.score, 0)
        self.assertEqual(set(marks(result, "lab1.c").values()), {"VOID"})

    def test_a_broken_kernel_invariant_takes_the_runs_points(self):
        result = self.grades["broken-kernel"]
        self.assertEqual(marks(result, "lab1.a"), {"uma": "ok", "2x2": "FAIL", "4x1": "ok"})
        self.assertIn("2x2: PASS, but at the end of the run kernel invariant violated: thread 88001 is on the "
                      "run queues", lab_report.format_text(result))

    def test_tests_that_passed_before_a_panic_count(self):
        result = self.grades["panic-later"]
        self.assertEqual(marks(result, "lab1.a"), {"uma": "ok", "2x2": "ok", "4x1": "ok"})
        self.assertEqual(set(marks(result, "lab1.b").values()), {"FAIL"})
        self.assertEqual(result.score, 10)
        text = lab_report.format_text(result)
        self.assertIn("uma, 2x2, 4x1: kernel panic: PANIC cpu=1", text)
        self.assertIn("uma, 2x2, 4x1: never started: kernel panic before it", text)

    def test_hidden_tests_are_graded_on_the_added_presets(self):
        result = self.grades["solution"]
        self.assertTrue(result.passed, lab_report.format_text(result))
        self.assertEqual((result.score, result.max_score), (23, 23))
        self.assertEqual([r.spec.preset.name for r in result.stages[0].runs],
                         ["uma", "2x2", "4x1", "asym"])
        self.assertIn("lab1.secret", result.stages[0].runs[0].spec.tests)
        self.assertRegex(lab_report.format_text(result), r"4/4  lab1\.secret \(hidden\)")
        self.assertEqual(result.sol, None)  # the Makefile chose (all: the kit has solutions)
        self.assertIn("sol=all", result.build.kernel.read_text())

    def test_visible_only_leaves_the_hidden_tests_and_machines_out(self):
        kit = fake_lab.make_kit(Path(self.directory.name, "visible-only"), "fake=panic", True)
        options = Options(tree=kit, labs=[1], sol=None, jobs=4, qemu=FAKE, visible_only=True)
        stage = plan(options)[0]
        self.assertEqual([p.name for p in stage.presets], ["uma", "2x2", "4x1"])
        self.assertNotIn("lab1.secret", [t.name for t in stage.tests])
        self.assertEqual(stage.hidden_presets, ())
        result = grade(options, [stage])
        self.assertTrue(result.passed, lab_report.format_text(result))
        self.assertEqual([r.spec.preset.name for r in result.stages[0].runs], ["uma", "2x2", "4x1"])

    def test_build_failure_is_a_failed_stage_with_the_compiler_output(self):
        result = self.grades["build-fails"]
        self.assertEqual((result.score, result.status), (0, "build failed"))
        self.assertFalse(result.build.ok)
        self.assertEqual(result.stages[0].runs, [])
        self.assertEqual(set(marks(result, "lab1.a").values()), {"not run"})
        text = lab_report.format_text(result)
        self.assertIn("the kernel did not build", text)
        self.assertIn("kernel/lab1.cc:1:1: error: #error broken allocator", text)
        self.assertIn("kernel SOL=none BUILD=build/grade", text)
        self.assertIn("0/10", text)

    def test_json_report(self):
        data = json.loads(lab_report.to_json(self.grades["partial"]))
        self.assertEqual(data["status"], "failed")
        self.assertAlmostEqual(data["score"], 41 / 3)
        stage = data["stages"][0]
        self.assertEqual(stage["presets"], ["uma", "2x2", "4x1"])
        self.assertEqual(stage["tests"][1]["presets"]["2x2"]["mark"], "fail")
        self.assertEqual(len(stage["runs"]), 3)

    def test_gradescope(self):
        data = json.loads(json.dumps(exports.gradescope(self.grades["hidden-fails"])))
        self.assertEqual(data["score"], 9)   # lab1.b and lab1.c
        self.assertIsInstance(data["execution_time"], int)
        tests = {t["name"]: t for t in data["tests"]}
        self.assertEqual(list(tests), ["lab1.a", "lab1.b", "lab1.c", "lab1.secret",
                                       "lab1: hidden tests and machines"])
        for test in data["tests"]:
            self.assertLessEqual({"name", "score", "max_score", "status", "output",
                                  "visibility"}, set(test))
        # A visible test's entry is its part on the visible machines (3 of 4 presets);
        # the rest, with the hidden test, is one line: lab1.a, b and c on the hidden
        # asym (0 + 1.5 + 0.75 of 2.5 + 1.5 + 0.75) and lab1.secret (0 of 4).
        self.assertEqual((tests["lab1.a"]["score"], tests["lab1.a"]["max_score"]), (0, 7.5))
        self.assertEqual((tests["lab1.b"]["score"], tests["lab1.b"]["max_score"]), (4.5, 4.5))
        aggregate = tests["lab1: hidden tests and machines"]
        self.assertEqual((aggregate["score"], aggregate["max_score"], aggregate["visibility"]),
                         (2.25, 8.75, "visible"))
        self.assertEqual(tests["lab1.a"]["status"], "failed")
        self.assertEqual(tests["lab1.b"]["status"], "passed")
        self.assertEqual(tests["lab1.a"]["visibility"], "visible")
        self.assertEqual(tests["lab1.secret"]["visibility"], "after_published")
        # What students see before publication does not name or score the hidden test.
        self.assertIn("FAIL expected 4 free frames", tests["lab1.a"]["output"])
        for text in [data["output"]] + [t["output"] for t in data["tests"] if t["visibility"] == "visible"]:
            self.assertNotIn("secret", text)
            self.assertNotIn("asym", text)   # the hidden machine
        self.assertIn("lab1.secret", tests["lab1.secret"]["output"])
        build_failed = exports.gradescope(self.grades["build-fails"])
        self.assertEqual(build_failed["score"], 0)
        self.assertIn("error: #error broken allocator", build_failed["output"])

    def test_junit(self):
        root = ElementTree.fromstring(exports.junit(self.grades["partial"]))
        self.assertEqual(root.tag, "testsuites")
        suites = root.findall("testsuite")
        self.assertEqual(len(suites), 1)
        self.assertEqual(suites[0].get("name"), "Lab 1: the fake allocator")
        cases = suites[0].findall("testcase")
        self.assertEqual(len(cases), 9)
        self.assertEqual((suites[0].get("tests"), suites[0].get("failures")), ("9", "2"))
        failed = {c.get("name"): c.find("failure") for c in cases if c.find("failure") is not None}
        self.assertEqual(set(failed), {"lab1.a [2x2]", "lab1.b [2x2]"})
        self.assertEqual(failed["lab1.b [2x2]"].get("message"),
                         "FAIL expected 4 free frames, found 3")
        self.assertIn("KTEST", failed["lab1.b [2x2]"].text)   # the serial lines
        broken = ElementTree.fromstring(exports.junit(self.grades["build-fails"]))
        failure = broken.find("testsuite/testcase/failure")
        self.assertEqual(failure.get("type"), Mark.NOT_RUN.name.lower())
        self.assertIn("#error broken allocator", failure.text)


if __name__ == "__main__":
    unittest.main()
