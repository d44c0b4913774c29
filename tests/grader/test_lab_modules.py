"""Stages that boot user programs: stage.toml's `modules` and per-test `presets`.

A fake kit (fake_lab.py) whose Lab 1 stage has a kernel test and two
user-level tests (l4.*) booted with the programs sigma0 and roottask: the
grader builds the programs with the kernel in one make, boots each preset
once per group of tests that share modules and kind (the fake QEMU, like the
kernel, fails user-level tests booted without modules or beside kernel
tests), gives QEMU the built files and the rerun commands the program names,
and grades a test only on the presets its entry names. Then the stage file's
mistakes, a user program that does not build, and a user-level lab_missing.
"""

import concurrent.futures
import json
import shlex
import sys
import tempfile
import unittest
from fractions import Fraction
from pathlib import Path

import fake_lab
import support
from proxima_grader import lab_report
from proxima_grader.grading import Options, grade, plan
from proxima_grader.labs import LabError, load_stage
from proxima_grader.scoring import stage_specs

FAKE = (sys.executable, str(support.FAKE_QEMU))

STAGE = '''\
title = "Lab 1: the fake allocator"
presets = ["uma", "2x2", "4x1"]
timeout_seconds = 60
hang_seconds = 30
[[tests]]
name = "lab1.a"
points = 10
[[tests]]
name = "l4.lab1.user"
points = 6
modules = ["sigma0", "roottask x=1"]
presets = ["2x2", "4x1"]
[[tests]]
name = "l4.lab1.other"
points = 4
modules = ["sigma0", "roottask  x=1"]
'''

# name: (kernel/lab1.cc, stage.toml)
SCENARIOS = {
    "pass": ("fake=pass", STAGE),
    "user-panic": ("fake=user-panic fakepanic=l4.lab1.other", STAGE),
    "broken-program": ("fake=pass", STAGE.replace('"roottask x=1"', '"broken"')),
}


def marks(grade_, test):
    found = next(t for s in grade_.stages for t in s.tests if t.test.name == test)
    return {preset: mark.value for preset, mark in found.marks.items()}


class LabModules(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory()
        root = Path(cls.directory.name)

        def one(name):
            student, stage = SCENARIOS[name]
            kit = fake_lab.make_kit(root / name, student)
            fake_lab.write(kit, "labs/lab1-alloc/stage.toml", stage)
            options = Options(tree=kit, labs=[1], sol="none", jobs=4, qemu=FAKE)
            return grade(options, plan(options))

        with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
            cls.grades = dict(zip(SCENARIOS, pool.map(one, SCENARIOS)))

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def test_programs_are_built_with_the_kernel_in_one_make(self):
        build = self.grades["pass"].build
        self.assertTrue(build.ok, build.output)
        self.assertIn("kernel programs 'PROGRAMS=sigma0 roottask'", build.command)
        self.assertIn("SOL=none BUILD=build/grade", build.command)
        self.assertEqual(list(build.programs), ["sigma0", "roottask"])
        self.assertEqual(build.programs["roottask"].read_text(), "program roottask sol=none\n")
        self.assertIn("user programs: ", lab_report.format_text(self.grades["pass"]))

    def test_one_boot_per_preset_and_group_of_tests(self):
        result = self.grades["pass"]
        self.assertTrue(result.passed, lab_report.format_text(result))
        runs = [(r.spec.preset.name, r.spec.tests) for r in result.stages[0].runs]
        self.assertEqual(runs, [("uma", ("lab1.a",)), ("uma", ("l4.lab1.other",)),
                                ("2x2", ("lab1.a",)), ("2x2", ("l4.lab1.user", "l4.lab1.other")),
                                ("4x1", ("lab1.a",)), ("4x1", ("l4.lab1.user", "l4.lab1.other"))])

    def test_qemu_boots_the_built_files_and_reruns_name_the_programs(self):
        result = self.grades["pass"]
        files = result.build.programs
        for run in result.stages[0].runs:
            make = run.commands()["make"]
            if run.spec.tests == ("lab1.a",):
                self.assertNotIn("-initrd", run.argv)
                self.assertTrue(make.endswith(" MODULES="), make)
                continue
            initrd = run.argv[run.argv.index("-initrd") + 1]
            self.assertEqual(initrd, f"{files['sigma0']},{files['roottask']} x=1")
            self.assertTrue(make.endswith(" MODULES=" + shlex.quote("sigma0,roottask x=1")), make)
            self.assertIn("modules=sigma0,roottask x=1", run.spec.describe())
        data = json.loads(lab_report.to_json(result))
        self.assertEqual(data["stages"][0]["runs"][1]["modules"], ["sigma0", "roottask x=1"])
        self.assertEqual(data["build"]["programs"]["sigma0"], str(files["sigma0"]))

    def test_a_test_is_graded_on_its_own_presets_only(self):
        result = self.grades["pass"]
        self.assertEqual(marks(result, "l4.lab1.user"), {"2x2": "ok", "4x1": "ok"})
        self.assertEqual(marks(result, "l4.lab1.other"), {"uma": "ok", "2x2": "ok", "4x1": "ok"})
        self.assertEqual((result.score, result.max_score), (20, 20))
        self.assertRegex(lab_report.format_text(result), r"6/6 +l4\.lab1\.user +2x2 ok, 4x1 ok\n")

    def test_a_user_level_lab_missing_names_the_function(self):
        result = self.grades["user-panic"]
        self.assertEqual(marks(result, "lab1.a"), {"uma": "ok", "2x2": "ok", "4x1": "ok"})
        self.assertEqual(set(marks(result, "l4.lab1.other").values()), {"FAIL"})
        self.assertEqual(marks(result, "l4.lab1.user"), {"2x2": "ok", "4x1": "ok"})
        self.assertEqual(result.score, 16)
        text = lab_report.format_text(result)
        self.assertIn("uma, 2x2, 4x1: user-level panic: PANIC user: LAB 9: userland/fake/pager.cc: "
                      "fake::serve() is not written yet", text)
        self.assertIn("--- FAIL lab1: uma test=l4.lab1.other modules=sigma0,roottask x=1: user-level panic", text)
        self.assertIn("user-level panic, the same on 2 machines: 2x2, 4x1", text)

    def test_a_program_that_does_not_build_is_a_failed_build(self):
        result = self.grades["broken-program"]
        self.assertEqual((result.score, result.status), (0, "build failed"))
        self.assertEqual(result.stages[0].runs, [])
        self.assertEqual(set(marks(result, "lab1.a").values()), {"not run"})
        text = lab_report.format_text(result)
        self.assertIn("the kernel and the user programs (sigma0, broken, roottask) did not build", text)
        self.assertIn("userland/broken/main.cc:1:1: error: a broken program", text)


class SubmissionModules(unittest.TestCase):
    def test_hidden_machines_boot_the_same_programs_with_the_hidden_kernel(self):
        with tempfile.TemporaryDirectory() as directory:
            root = Path(directory)
            kit = fake_lab.make_kit(root / "kit", hidden=True)
            fake_lab.write(kit, "labs/lab1-alloc/stage.toml", STAGE)
            submission = fake_lab.make_submission(root / "alice", "fake=pass")
            options = Options(tree=kit, labs=[1], submission=submission, jobs=3, qemu=FAKE)
            result = grade(options, plan(options))
            self.assertTrue(result.passed, lab_report.format_text(result))
            stage = result.stages[0]
            # The user-level tests run on the hidden machine too, booted with the
            # kernel that holds the hidden tests and the one build's programs.
            self.assertEqual(marks(result, "l4.lab1.user"), {"2x2": "ok", "4x1": "ok", "asym": "ok"})
            hidden = [r for r in stage.runs if not any(r is v for v in stage.visible_runs)]
            user = [r for r in hidden if r.spec.tests[0].startswith("l4.")]
            self.assertEqual([r.spec.preset.name for r in user], ["asym"])
            self.assertIn("-initrd", user[0].argv)
            self.assertIn("kernel.elf", user[0].argv[user[0].argv.index("-kernel") + 1])
            self.assertEqual(result.score, Fraction(24))


class StageModules(unittest.TestCase):
    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.kit = fake_lab.make_kit(Path(directory.name))

    def stage(self, text):
        fake_lab.write(self.kit, "labs/lab1-alloc/stage.toml", text)
        return load_stage(self.kit, 1, support.PRESETS)

    def load_error(self, text):
        with self.assertRaises(LabError) as caught:
            self.stage(text)
        return str(caught.exception)

    def test_stage_modules_are_every_tests_unless_it_names_its_own(self):
        stage = self.stage('presets = ["uma", "2x2"]\nmodules = ["sigma0", "roottask"]\n'
                           '[[tests]]\nname = "l4.a"\npoints = 1\n'
                           '[[tests]]\nname = "lab1.k"\npoints = 1\nmodules = []\n'
                           '[[tests]]\nname = "lab1.j"\npoints = 1\n'
                           '[[tests]]\nname = "l4.b"\npoints = 1\nmodules = ["sigma0", "demo  iter=2"]\n')
        self.assertEqual(stage.modules, ("sigma0", "roottask"))
        self.assertEqual([stage.modules_of(t) for t in stage.tests],
                         [("sigma0", "roottask"), (), ("sigma0", "roottask"), ("sigma0", "demo iter=2")])
        self.assertEqual(stage.programs, ("sigma0", "roottask", "demo"))
        groups = [(modules, [t.name for t in tests]) for modules, tests in stage.boot_groups(stage.tests)]
        # Kernel and user-level tests never share a boot, even with the same modules.
        self.assertEqual(groups, [(("sigma0", "roottask"), ["l4.a"]), ((), ["lab1.k"]),
                                  (("sigma0", "roottask"), ["lab1.j"]), (("sigma0", "demo iter=2"), ["l4.b"])])
        self.assertEqual(len(stage_specs(stage)), 8)

    def test_hidden_presets_count_for_a_test_with_its_own(self):
        fake_lab.write(self.kit, "grader/hidden/lab1.toml", fake_lab.HIDDEN1)
        stage = self.stage('presets = ["uma", "2x2", "4x1"]\n[[tests]]\nname = "lab1.a"\npoints = 1\n'
                           'presets = ["4x1", "2x2"]\n')
        self.assertEqual([p.name for p in stage.presets_of(stage.tests[0])], ["2x2", "4x1", "asym"])
        self.assertEqual([p.name for p in stage.presets_of(stage.tests[1])], ["uma", "2x2", "4x1", "asym"])

    def test_mistakes_are_named(self):
        head = 'presets = ["uma", "2x2"]\n[[tests]]\nname = "l4.a"\npoints = 1\n'
        cases = [(head, "test 'l4.a' is a user-level test (l4.*), which the kernel leaves to a root task"),
                 (head + 'modules = "sigma0"\n', "test 1 ('l4.a'): modules must be a list of strings"),
                 (head + 'modules = ["sigma0,l4test"]\n', "cannot carry a comma"),
                 (head + 'modules = ["build/release/userland/sigma0.elf"]\n', "a module is a program's name"),
                 (head + 'modules = [""]\n', "an empty module"),
                 ('presets = ["uma"]\nmodules = ["a.elf"]\n[[tests]]\nname = "x"\npoints = 1\n',
                  "stage.toml: modules: 'a.elf': a module is a program's name"),
                 (head + 'modules = ["sigma0"]\npresets = ["4x1"]\n',
                  "test 'l4.a': preset '4x1' is not one of the stage's presets (uma, 2x2)"),
                 (head + 'modules = ["sigma0"]\npresets = []\n', "'presets' must name at least one preset"),
                 (head + 'modules = ["sigma0"]\npresets = ["uma", "uma"]\n', "each once"),
                 (head + 'module = ["sigma0"]\n', "unknown key 'module' (known: description, evidence, "
                                                  "modules, name, points, presets)")]
        for text, message in cases:
            with self.subTest(message):
                self.assertIn(message, self.load_error(text))

    def test_a_visible_test_may_not_name_a_hidden_preset(self):
        fake_lab.write(self.kit, "grader/hidden/lab1.toml", fake_lab.HIDDEN1)
        message = self.load_error('presets = ["uma"]\n[[tests]]\nname = "a"\npoints = 1\npresets = ["asym"]\n')
        self.assertIn("preset 'asym' is not one of the stage's presets (uma)", message)


if __name__ == "__main__":
    unittest.main()
