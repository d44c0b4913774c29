"""Lab trees: finding labs, reading manifests and stage.toml, merging hidden tests, SOL."""

import tempfile
import unittest
from pathlib import Path

import fake_lab
import support
from proxima_grader.build import SolError, sol_labs
from proxima_grader.labs import LabError, find_labs, graded_labs, load_stage, read_manifest


class Stages(unittest.TestCase):
    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.kit = fake_lab.make_kit(Path(directory.name))

    def stage_file(self, text: str, lab: str = "lab1-alloc") -> None:
        fake_lab.write(self.kit, f"labs/{lab}/stage.toml", text)

    def load_error(self, number: int = 1) -> str:
        with self.assertRaises(LabError) as caught:
            load_stage(self.kit, number, support.PRESETS)
        return str(caught.exception)

    def test_stage_loads_with_defaults_and_limits(self):
        stage = load_stage(self.kit, 1, support.PRESETS)
        self.assertEqual(stage.title, "Lab 1: the fake allocator")
        self.assertEqual([p.name for p in stage.presets], ["uma", "2x2", "4x1"])
        self.assertEqual([(t.name, t.points) for t in stage.tests],
                         [("lab1.a", 10), ("lab1.b", 6), ("lab1.c", 3)])
        self.assertEqual(stage.tests[0].description, "a works")
        self.assertEqual((stage.limits.hang_seconds, stage.limits.timeout_seconds), (30, 60))
        self.assertEqual(stage.max_points, 19)
        lab2 = load_stage(self.kit, 2, support.PRESETS)
        self.assertEqual((lab2.limits.hang_seconds, lab2.limits.timeout_seconds), (90, 600))
        self.assertEqual(lab2.kargs, ())

    def test_labs_in_order_and_only_those_with_a_stage(self):
        fake_lab.write(self.kit, "labs/lab10-late/manifest", "x\n")
        fake_lab.write(self.kit, "labs/notalab/manifest", "x\n")
        self.assertEqual([lab.number for lab in find_labs(self.kit)], [1, 2, 10])
        self.assertEqual([lab.number for lab in graded_labs(self.kit)], [1, 2])
        self.assertIn("no lab 7", self.load_error(7))
        self.assertIn("has no", self.load_error(10))

    def test_unknown_preset(self):
        self.stage_file('presets = ["uma", "nosuch"]\n[[tests]]\nname = "a"\npoints = 1\n')
        message = self.load_error()
        self.assertIn("stage.toml", message)
        self.assertIn("unknown preset 'nosuch'", message)
        self.assertIn("known presets: uma, 2x2", message)

    def test_missing_points(self):
        self.stage_file('presets = ["uma"]\n[[tests]]\nname = "a"\npoints = 1\n'
                        '[[tests]]\nname = "lab1.b"\n')
        self.assertIn("test 2 ('lab1.b'): missing 'points'", self.load_error())

    def test_duplicate_test_names(self):
        self.stage_file('presets = ["uma"]\n[[tests]]\nname = "a"\npoints = 1\n'
                        '[[tests]]\nname = "a"\npoints = 2\n')
        self.assertIn("test 'a' is listed twice", self.load_error())

    def test_other_mistakes_are_named(self):
        cases = [('presets = ["uma"]\n[[tests]]\nname = "a"\npoint = 1\n', "unknown key 'point'"),
                 ('presets = ["uma"]\ntimeout = 3\n[[tests]]\nname="a"\npoints=1\n',
                  "unknown key 'timeout'"),
                 ('[[tests]]\nname = "a"\npoints = 1\n', "missing 'presets'"),
                 ('presets = []\n[[tests]]\nname = "a"\npoints = 1\n', "'presets' is empty"),
                 ('presets = ["uma"]\n', "no [[tests]]"),
                 ('presets = ["uma"]\n[[tests]]\nname = "a b"\npoints = 1\n', "bad test name"),
                 ('presets = ["uma"]\n[[tests]]\nname = "a"\npoints = "ten"\n', "'points' must"),
                 ('presets = ["uma"]\nhang_seconds = 0\n[[tests]]\nname="a"\npoints=1\n',
                  "'hang_seconds' must be a positive"),
                 ('presets = ["uma"]\nkargs = ["nonce=1"]\n[[tests]]\nname="a"\npoints=1\n',
                  "set by the grader"),
                 ('presets = ["uma"\n', "not valid TOML")]
        for text, message in cases:
            with self.subTest(message):
                self.stage_file(text)
                self.assertIn(message, self.load_error())

    def test_hidden_tests_are_merged(self):
        fake_lab.write(self.kit, "grader/hidden/lab1.toml", fake_lab.HIDDEN1)
        stage = load_stage(self.kit, 1, support.PRESETS)
        self.assertEqual([p.name for p in stage.presets], ["uma", "2x2", "4x1", "asym"])
        self.assertEqual([(t.name, t.hidden) for t in stage.tests],
                         [("lab1.a", False), ("lab1.b", False), ("lab1.c", False),
                          ("lab1.secret", True)])
        self.assertEqual(stage.max_points, 23)
        self.assertEqual(stage.only("lab1.secret").tests, (stage.tests[3],))

    def test_a_partial_grade_on_some_presets(self):
        self.stage_file('title = "t"\npresets = ["uma", "2x2", "4x1"]\n'
                        '[[tests]]\nname = "lab1.a"\npoints = 1\n'
                        '[[tests]]\nname = "lab1.numa"\npoints = 2\npresets = ["2x2", "4x1"]\n')
        stage = load_stage(self.kit, 1, support.PRESETS)
        uma = stage.on_presets(["uma"])
        self.assertEqual([p.name for p in uma.presets], ["uma"])
        self.assertEqual([t.name for t in uma.tests], ["lab1.a"])   # lab1.numa runs on no chosen preset
        self.assertEqual(uma.max_points, 1)
        both = stage.on_presets(["4x1", "n8"])
        self.assertEqual([p.name for p in both.presets], ["4x1"])
        self.assertEqual([t.name for t in both.tests], ["lab1.a", "lab1.numa"])
        self.assertEqual(stage.on_presets(["n8"]).presets, ())

    def test_hidden_test_named_like_a_visible_one(self):
        fake_lab.write(self.kit, "grader/hidden/lab1.toml",
                       '[[tests]]\nname = "lab1.b"\npoints = 1\n')
        message = self.load_error()
        self.assertIn("hidden/lab1.toml", message)
        self.assertIn("'lab1.b' is listed twice", message)

    def test_manifest(self):
        path = fake_lab.write(self.kit, "m", "# comment\n\nkernel/a.cc  # why\n  user/b.cc\n")
        self.assertEqual(read_manifest(path), ["kernel/a.cc", "user/b.cc"])
        for bad in ("../outside.cc", "/etc/passwd", "kernel/../../x", ".git/config"):
            with self.subTest(bad):
                fake_lab.write(self.kit, "m", bad + "\n")
                with self.assertRaises(LabError) as caught:
                    read_manifest(path)
                self.assertIn("m:1:", str(caught.exception))


class Sol(unittest.TestCase):
    def test_selections(self):
        self.assertEqual(sol_labs("all", [1, 2, 3]), [1, 2, 3])
        self.assertEqual(sol_labs("none", [1, 2]), [])
        self.assertEqual(sol_labs("2", [1, 2]), [2])
        self.assertEqual(sol_labs("1,3-5", []), [1, 3, 4, 5])
        for bad in ("", "x", "1-", "1,,2", "-1", "1-2-3", "all,1"):
            with self.subTest(bad), self.assertRaises(SolError):
                sol_labs(bad, [1])


if __name__ == "__main__":
    unittest.main()
