"""Grading a lab from the kit's own lab checks (test_lab*.py): one lab's stage,
its manifest, and the report read back.

    lab = LabUnderTest(3)
    status, report, stdout = lab.grade("--submission", directory, "--sol", "1-2")
    lab.not_ok(report)       # one line per visible test that is not ok somewhere
"""

import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import tomllib
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
GRADE = [sys.executable, str(ROOT / "grader" / "grade.py")]


class LabUnderTest:
    def __init__(self, number):
        self.number = number
        self.directory = next((ROOT / "labs").glob(f"lab{number}-*"))
        self.solution = ROOT / "solutions" / f"lab{number}"
        manifest = [line.split("#")[0].strip() for line in (self.directory / "manifest").read_text().splitlines()]
        self.manifest = [path for path in manifest if path]
        self.stage = tomllib.loads((self.directory / "stage.toml").read_text())
        self.visible_presets = self.stage["presets"]   # the hidden ones come from grader/hidden
        self.first_presets = ()   # set by a lab's checks: where its mutants are graded first
        self.visible_tests = [test["name"] for test in self.stage["tests"]]

    def grade(self, *args):
        """Runs grade.py lab for this lab; returns (exit status, its JSON report, its text)."""
        with tempfile.TemporaryDirectory() as out:
            report = pathlib.Path(out) / "report.json"
            run = subprocess.run(GRADE + ["lab", "--lab", str(self.number), "--json", str(report), *args],
                                 cwd=ROOT, capture_output=True, text=True, timeout=1800)
            if not report.exists():
                raise AssertionError(f"grade.py wrote no report:\n{run.stdout}\n{run.stderr}")
            return run.returncode, json.loads(report.read_text()), run.stdout

    @staticmethod
    def stage_points(report):
        stage = report["stages"][0]
        return stage["score"], stage["max_score"]

    def visible_marks(self, report):
        """{test: {preset: (mark, why)}} of the visible tests on the visible presets."""
        return {test["name"]: {preset: (mark["mark"], mark["why"]) for preset, mark in test["presets"].items()
                               if preset in self.visible_presets}
                for test in report["stages"][0]["tests"] if test["name"] in self.visible_tests}

    def not_ok(self, report):
        """One line per visible test that is not ok somewhere: where, and the first reason."""
        lines = []
        for name, marks in self.visible_marks(report).items():
            bad = {preset: why for preset, (mark, why) in marks.items() if mark != "ok"}
            if bad:
                lines.append(f"{name}: {', '.join(bad)} ({next(iter(bad.values()))})")
        return "\n".join(lines) or "(none)"

    def failed_tests(self, report, tests):
        """Those of `tests` that did not report a FAIL themselves on any visible preset
        (a test the report does not have, as in a partial grade, did not)."""
        marks = self.visible_marks(report)
        return [t for t in tests if not any(mark == "fail" and reason.startswith("FAIL")
                                            for mark, reason in marks.get(t, {}).values())]

    def mutant_passes(self):
        """The preset selections a mutant is graded on, one after the other until it is
        caught: first_presets (the machines that catch most of this lab's mutants),
        then the other visible presets; every visible preset at once without them."""
        if not self.first_presets:
            return [()]
        rest = tuple(p for p in self.visible_presets if p not in self.first_presets)
        return [self.first_presets] + ([rest] if rest else [])

    def check_mutant(self, test, name, why, caught_by, sol, mutate, only=False, extra=()):
        """Grades the reference with `mutate(submission directory)` applied, as a
        submission on the reference of `sol`: it must build, lose points, and make each
        of `caught_by` report FAIL on some visible preset (`test`: the TestCase). Only
        the visible tests and machines are graded (--visible-only): a mutant must be
        caught where a student sees it, and the hidden ones only cost time. The
        presets are taken in passes (mutant_passes): a mutant caught on the first
        machines is not booted on the others, which is the same verdict sooner.
        `only`: grade each of `caught_by` alone (grade.py --only), not the whole stage,
        for a stage too slow to boot whole once per mutant; `extra`: more grade.py
        arguments."""
        with tempfile.TemporaryDirectory() as submission:
            self.submission(submission, self.solution)
            mutate(submission)
            for tests in ([[t] for t in caught_by] if only else [caught_by]):
                picked = [arg for t in tests for arg in ("--only", t)] if only else []
                missed, lost, outputs = list(tests), False, []
                for number, presets in enumerate(self.mutant_passes()):
                    if number > 0:   # worth knowing when first_presets are chosen
                        print(f"\nmutant {name}: {', '.join(missed) or 'points'} not caught on "
                              f"{','.join(self.first_presets)}; grading on {','.join(presets)}", file=sys.stderr)
                    chosen = ["--only-presets", ",".join(presets)] if presets else []
                    status, report, stdout = self.grade("--submission", submission, "--sol", sol, "--visible-only",
                                                        *picked, *chosen, *extra)
                    test.assertTrue(report["build"]["ok"], f"mutant {name} did not build:\n{stdout[-3000:]}")
                    score, max_score = self.stage_points(report)
                    lost = lost or (status != 0 and score < max_score)
                    missed = [t for t in missed if t in self.failed_tests(report, [t])]
                    outputs.append(f"on {','.join(presets) or 'every visible preset'}: the tests not ok:\n"
                                   f"{self.not_ok(report)}\n{stdout[-1500:]}")
                    if lost and not missed:
                        break
                test.assertTrue(lost, f"mutant {name} ({why}) passed or kept full marks:\n" + "\n".join(outputs))
                test.assertEqual(missed, [], f"mutant {name} ({why}): {', '.join(missed)} did not FAIL on any "
                                             f"preset:\n" + "\n".join(outputs))

    def grade_thief(self, test, file, hole, thief, includes, sol):
        """Grades the handout's version of this lab's files with `hole` in `file` replaced
        by `thief` (C++ that steals or forges result lines; `includes`: headers it adds
        after l4/lab.h) on the reference of `sol`. Asserts that the fence let it build and
        that it earned 0 points on every visible preset; returns (the visible runs, their
        lab_printf lines, the stage's reasons checked: no result line escaped into them)."""
        with tempfile.TemporaryDirectory() as submission:
            self.submission(submission, ROOT)   # the handout's version: its holes unwritten
            path = pathlib.Path(submission, file)
            text = path.read_text()
            test.assertIn(hole, text)
            added = "".join(f'#include "{header}"\n' for header in includes)
            text = text.replace('#include "l4/lab.h"\n', '#include "l4/lab.h"\n' + added, 1)
            path.write_text(text.replace(hole, thief, 1))
            status, report, stdout = self.grade("--submission", submission, "--sol", sol)
            test.assertEqual(report["status"], "failed", stdout[-3000:])   # the fence let it build
            test.assertNotEqual(status, 0)
            test.assertEqual(self.stage_points(report)[0], 0, stdout[-3000:])
            runs = [run for run in report["stages"][0]["runs"] if run["preset"] in self.visible_presets]
            test.assertEqual(sorted(run["preset"] for run in runs), sorted(self.visible_presets))
            test.assertTrue(all("stolen\\n" in run["reason"] and "\nKTEST" not in run["reason"] for run in runs),
                            [run["reason"] for run in runs])
            return runs, [line["text"] for run in runs for line in run["lab_printf"]["lines"]]

    def submission(self, directory, source):
        """Fills `directory` with this lab's manifest files from `source` (a tree)."""
        for file in self.manifest:
            target = pathlib.Path(directory, file)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source / file, target)


def make_handout(parent):
    """`make handout` into `parent`/handout; returns its path."""
    handout = pathlib.Path(parent, "handout")
    subprocess.run(["make", "-s", "handout", f"OUT={handout}"], cwd=ROOT, check=True, capture_output=True,
                   timeout=300)
    return handout


def make_grade_in(tree, lab, parent):
    """`make grade LAB=lab` in `tree` (a handout); returns (the run, its JSON report)."""
    report = pathlib.Path(parent, f"lab{lab}.json")
    run = subprocess.run(["make", "grade", f"LAB={lab}", f"GRADE_FLAGS=--json {report}"], cwd=tree,
                         capture_output=True, text=True, timeout=1800)
    return run, json.loads(report.read_text())


def build_reference_kernel(build):
    """The kit's kernel with every lab's reference and no hidden tests, built in
    `build`; returns the kernel's path."""
    variables = ["SOL=all", f"BUILD={build}", "HIDDEN_DIR="]
    subprocess.run(["make", "-s", "-j2", "kernel", *variables], cwd=ROOT, check=True, capture_output=True,
                   timeout=600)
    return subprocess.run(["make", "-s", "print-kernel", *variables], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout.strip()


def build_reference_programs(build, programs):
    """The kit's kernel and user `programs` (names, one string) with every lab's
    reference and no hidden tests, built in `build`; returns (kernel, ["--module",
    file, ...]) for grade.py run."""
    variables = ["SOL=all", f"BUILD={build}", "HIDDEN_DIR="]
    subprocess.run(["make", "-s", "-j2", "kernel", "programs", f"PROGRAMS={programs}", *variables], cwd=ROOT,
                   check=True, capture_output=True, timeout=900)
    kernel = subprocess.run(["make", "-s", "print-kernel", *variables], cwd=ROOT, check=True, capture_output=True,
                            text=True).stdout.strip()
    elfs = subprocess.run(["make", "-s", "print-programs", f"PROGRAMS={programs}", *variables], cwd=ROOT,
                          check=True, capture_output=True, text=True).stdout.split()
    return kernel, [arg for elf in elfs for arg in ("--module", elf)]


def why_failed(result):
    """A run of `grade.py run --json` that should have passed, told for an assertion
    message: the grader's reason, the serial lines it kept around the failure and the
    command that reruns it. A run that fails once in many (in CI, on another machine)
    must say why in the test's own output: its log is gone with the CI machine."""
    serial = [f"  {line['number']:5} {line['text']}" for line in result["serial"]["excerpt"]]
    return "\n".join([f"{result['preset']} {' '.join(result['kargs'])}: {result['reason']}",
                      "the serial lines the grader kept:", *serial,
                      f"rerun it: {result['commands']['make']}"])


def apply_edits(submission, name, file, edits):
    """Mutant `name`: each (old, new) of `edits` replaces text that must be in `file`
    of `submission` exactly once."""
    path = pathlib.Path(submission, file)
    text = path.read_text()
    for old, new in edits:
        if text.count(old) != 1:
            raise AssertionError(f"mutant {name} no longer applies: {old!r} is not in {file} exactly once")
        text = text.replace(old, new, 1)
    path.write_text(text)


def mutant_tests(lab, mutants, sol, given=frozenset(), only=False, extra=()):
    """The Mutants test case of a lab's checks. `mutants`: (name, file, [(old, new)],
    what it breaks, the tests that must report FAIL); graded on the reference of `sol`.
    `given`: stage tests that no mutant of the lab's files can make fail (they guard
    the kit's code around them), proved elsewhere. `only`, `extra`: as check_mutant."""

    class Mutants(unittest.TestCase):
        def test_every_stage_test_can_fail(self):
            caught = {test for *_, caught_by in mutants for test in caught_by}
            self.assertEqual([test for test in lab.visible_tests if test not in caught | set(given)], [],
                             "no mutant makes these tests of stage.toml fail")

        def test_the_reference_passes_when_graded_like_a_mutant(self):
            with tempfile.TemporaryDirectory() as submission:
                lab.submission(submission, lab.solution)
                status, report, stdout = lab.grade("--submission", submission, "--sol", sol, "--visible-only")
                self.assertTrue(report["build"]["ok"], stdout[-3000:])
                self.assertEqual(lab.not_ok(report), "(none)", stdout[-3000:])

        def test_every_mutant_loses_points(self):
            for name, file, edits, why, caught_by in mutants:
                with self.subTest(mutant=name, breaks=why):
                    lab.check_mutant(self, name, why, caught_by, sol,
                                     lambda submission: apply_edits(submission, name, file, edits), only, extra)

    Mutants.__module__, Mutants.__qualname__ = f"test_lab{lab.number}", "Mutants"   # test ids name the lab
    return Mutants


def handout_tests(lab, missing):
    """The Handout test case of a lab's checks: the handout, with the solutions of the
    labs before `lab` put in as a student would be given them, fails `lab` with 0 points
    and the panic `missing` ("LAB n: file: function() is not written yet"), and passes
    the lab before it in full."""
    number = lab.number

    class Handout(unittest.TestCase):
        def test_handout_with_the_earlier_labs_solved_fails_this_lab_and_passes_the_one_before(self):
            with tempfile.TemporaryDirectory() as parent:
                handout = make_handout(parent)
                for file in lab.manifest:
                    self.assertIn(f"LAB {number}: your code here", (handout / file).read_text())
                for earlier in range(1, number):
                    shutil.copytree(ROOT / "solutions" / f"lab{earlier}", handout, dirs_exist_ok=True)
                run, report = make_grade_in(handout, number, parent)
                self.assertNotEqual(run.returncode, 0, f"the handout passed Lab {number}")
                self.assertEqual(lab.stage_points(report)[0], 0, run.stdout[-3000:])
                self.assertIn(missing, run.stdout)
                run, report = make_grade_in(handout, number - 1, parent)
                self.assertEqual(run.returncode, 0,
                                 f"Lab {number - 1}'s solution fails Lab {number - 1} in the handout:\n{run.stdout[-3000:]}")
                score, max_score = lab.stage_points(report)
                self.assertEqual((report["passed"], score), (True, max_score), run.stdout[-3000:])

    Handout.__module__, Handout.__qualname__ = f"test_lab{number}", "Handout"
    return Handout
