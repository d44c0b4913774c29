"""Grading a student's submission in a workspace: what is taken from it, and what never is."""

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import fake_lab
import support
from proxima_grader import lab_report
from proxima_grader.grading import Options, grade, plan
from proxima_grader.scoring import Mark
from proxima_grader.workspace import SubmissionError, assemble, kit_files

FAKE = (sys.executable, str(support.FAKE_QEMU))
TAMPERED = {"kernel/test/lab1_test.cc": "fake=pass TAMPERED",   # would pass every test
            "Makefile": "kernel:\n\techo hacked\n",
            "labs/lab1-alloc/manifest": "kernel/lab1.cc\nkernel/test/lab1_test.cc\n",
            "kernel/evil.cc": "fake=pass",
            "kernel/lab2.cc": "lab 2 work"}


def snapshot(root: Path) -> dict:
    """Every path under root with its type, mode, mtime and content hash."""
    found = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        found[str(path.relative_to(root))] = (info.st_mode, info.st_mtime_ns, digest)
    return found


class Submission(unittest.TestCase):
    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.root = Path(directory.name)
        self.kit = fake_lab.make_kit(self.root / "kit")
        self.workspace = self.root / "workspace"
        self.workspace.mkdir()

    def student(self, lab1="fake=fail fakefail=lab1.c", files=None, name="alice"):
        return fake_lab.make_submission(self.root / name, lab1, TAMPERED if files is None else files)

    def test_only_manifest_files_are_taken(self):
        built = assemble(self.kit, self.student(), ["kernel/lab1.cc"], self.workspace, [])
        read = lambda relative: (self.workspace / relative).read_text()  # noqa: E731
        self.assertEqual(built.taken, ["kernel/lab1.cc"])
        self.assertEqual(read("kernel/lab1.cc"), "// fake=fail fakefail=lab1.c\n")
        self.assertEqual(read("kernel/test/lab1_test.cc"), "\n")          # the kit's test
        self.assertEqual(read("Makefile"), fake_lab.MAKEFILE)             # the kit's Makefile
        self.assertEqual(read("labs/lab1-alloc/manifest"),
                         (self.kit / "labs/lab1-alloc/manifest").read_text())
        self.assertEqual(read("kernel/lab2.cc"), "// LAB 2: your code here\n")  # not graded
        self.assertFalse((self.workspace / "kernel/evil.cc").exists())
        self.assertFalse((self.workspace / "solutions").exists())          # SOL=none

    def test_lab_code_that_names_the_harness_is_flagged(self):
        forger = self.student(lab1='fake=pass\nkprintf("KTEST %s lab1.a PASS", boot_options().nonce);')
        built = assemble(self.kit, forger, ["kernel/lab1.cc"], self.workspace, [])
        self.assertEqual(len(built.warnings), 1)
        self.assertIn("kernel/lab1.cc:2 mentions 'KTEST'", built.warnings[0])
        honest = assemble(self.kit, self.student(name="bob"), ["kernel/lab1.cc"],
                          self.root / "workspace2", [])
        self.assertEqual(honest.warnings, [])

    def test_later_lab_files_come_along_and_chosen_solutions_only(self):
        manifest = ["kernel/lab1.cc", "kernel/lab2.cc"]
        assemble(self.kit, self.student(), manifest, self.workspace, [1])
        self.assertEqual((self.workspace / "kernel/lab2.cc").read_text(), "lab 2 work")
        self.assertTrue((self.workspace / "solutions/lab1/kernel/lab1.cc").is_file())
        self.assertFalse((self.workspace / "solutions/lab2").exists())

    def test_the_seed_build_comes_without_the_hidden_objects(self):
        # An in-tree grade leaves build/grade/<variant>/hidden/*.d naming the kit's
        # grader/hidden/...: copied, they would make the workspace's hidden build
        # look for those files in the workspace, fail, and cost every hidden test.
        fake_lab.write(self.kit, "build/grade/release/kernel/lab1.o", "object")
        fake_lab.write(self.kit, "build/grade/release/hidden/lab1_hidden.d",
                       "lab1_hidden.o: grader/hidden/kernel/lab1_hidden.cc\n")
        assemble(self.kit, self.student(), ["kernel/lab1.cc"], self.workspace, [])
        self.assertTrue((self.workspace / "build/grade/release/kernel/lab1.o").is_file())
        self.assertFalse((self.workspace / "build/grade/release/hidden").exists())

    def test_missing_file_keeps_the_kits(self):
        submission = self.root / "empty"
        submission.mkdir()
        built = assemble(self.kit, submission, ["kernel/lab1.cc"], self.workspace, [])
        self.assertEqual((built.taken, built.missing), ([], ["kernel/lab1.cc"]))
        self.assertEqual((self.workspace / "kernel/lab1.cc").read_text(), "// fake=panic\n")

    def test_links_out_of_the_submission_are_refused(self):
        outside = fake_lab.write(self.root, "outside/lab1.cc", "fake=pass")
        submission = self.student(files={})
        target = submission / "kernel/lab1.cc"
        for link in (outside, Path("../../outside/lab1.cc"), Path("/etc/hostname")):
            with self.subTest(link=str(link)):
                target.unlink()
                target.symlink_to(link)
                with self.assertRaisesRegex(SubmissionError, "leads out of the submission"):
                    assemble(self.kit, submission, ["kernel/lab1.cc"], self.workspace, [])
        shutil.rmtree(submission / "kernel")           # a linked directory, too
        (submission / "kernel").symlink_to(outside.parent)
        with self.assertRaisesRegex(SubmissionError, "kernel/lab1.cc is a symbolic link"):
            assemble(self.kit, submission, ["kernel/lab1.cc"], self.workspace, [])

    def test_links_inside_the_submission_are_followed(self):
        submission = self.student(files={"mine/real.cc": "fake=pass inside"})
        (submission / "kernel/lab1.cc").unlink()
        (submission / "kernel/lab1.cc").symlink_to("../mine/real.cc")
        assemble(self.kit, submission, ["kernel/lab1.cc"], self.workspace, [])
        target = self.workspace / "kernel/lab1.cc"
        self.assertFalse(target.is_symlink())
        self.assertEqual(target.read_text(), "fake=pass inside")

    def test_a_refused_submission_scores_zero(self):
        submission = self.student(files={})
        (submission / "kernel/lab1.cc").unlink()
        (submission / "kernel/lab1.cc").symlink_to("/etc/hostname")
        options = Options(tree=self.kit, labs=[1], submission=submission, jobs=2, qemu=FAKE)
        result = grade(options, plan(options))
        self.assertEqual((result.status, result.score, result.build), ("refused", 0, None))
        self.assertIn("leads out of the submission", result.stages[0].not_run)

    def test_git_kit_lists_tracked_and_unignored_files(self):
        if shutil.which("git") is None:
            self.skipTest("git not installed")
        fake_lab.write(self.kit, ".gitignore", "build/\n*.log\n")
        fake_lab.write(self.kit, "notes.log", "ignored")
        fake_lab.write(self.kit, "build/stale.o", "ignored")
        subprocess.run(["git", "init", "-q", str(self.kit)], check=True)
        subprocess.run(["git", "-C", str(self.kit), "add", "Makefile", "labs", "kernel"],
                       check=True)
        fake_lab.write(self.kit, "grader/hidden/lab1.toml", fake_lab.HIDDEN1)  # untracked
        files = kit_files(self.kit)
        self.assertIn("Makefile", files)
        self.assertIn("grader/hidden/lab1.toml", files)
        self.assertIn("config/topologies.conf", files)
        self.assertNotIn("notes.log", files)
        self.assertNotIn("build/stale.o", files)
        self.assertFalse(any(f.startswith(".git/") for f in files))

    def test_graded_in_a_workspace_and_the_submission_is_never_written(self):
        submission = self.student()
        # Read-only; root could still write to it, so the snapshot is what decides.
        everything = [submission, *submission.rglob("*")]
        for path in everything:
            path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        self.addCleanup(lambda: [p.chmod(p.stat().st_mode | stat.S_IWUSR) for p in everything])
        before = snapshot(submission)
        options = Options(tree=self.kit, labs=[1], submission=submission, jobs=3, qemu=FAKE,
                          keep=True)
        result = grade(options, plan(options))
        self.addCleanup(shutil.rmtree, result.kept, True)
        # lab1.c fails (the student's file), although the tampered test would pass it
        self.assertEqual(result.score, 16, [t.details for t in result.stages[0].tests])
        self.assertEqual(result.sol, "none")
        kernel = result.build.kernel.read_text()
        self.assertIn("sol=none", kernel)
        self.assertNotIn("TAMPERED", kernel)
        self.assertTrue(result.build.kernel.is_relative_to(result.kept))
        self.assertEqual(snapshot(submission), before)
        self.assertFalse(os.path.lexists(submission / "build"))
        run = result.stages[0].run_for("uma")
        self.assertIn(f"make -C {result.kept} qemu TOPO=uma SOL=none", run.commands()["make"])

    def test_workspace_is_removed_unless_kept(self):
        options = Options(tree=self.kit, labs=[1], submission=self.student(), jobs=3, qemu=FAKE)
        result = grade(options, plan(options))
        self.assertIsNone(result.kept)
        self.assertFalse(result.build.kernel.exists())
        run = result.stages[0].run_for("uma")   # reruns name the submission itself
        self.assertIn(f"make -C {self.root / 'alice'} qemu", run.commands()["make"])


    def test_hidden_tests_never_reach_the_workspace_or_the_visible_runs(self):
        kit = fake_lab.make_kit(self.root / "hidden-kit", hidden=True)
        options = Options(tree=kit, labs=[1], submission=self.student(files={}), jobs=3, qemu=FAKE,
                          keep=True)
        result = grade(options, plan(options))
        self.addCleanup(shutil.rmtree, result.kept, True)
        self.assertFalse((result.kept / "grader" / "hidden").exists())
        stage = result.stages[0]
        visible = stage.visible_runs
        # Visible tests on the visible presets boot a kernel without the hidden code...
        self.assertEqual(sorted(r.spec.preset.name for r in visible), ["2x2", "4x1", "uma"])
        for run in visible:
            self.assertEqual(run.spec.tests, ("lab1.a", "lab1.b", "lab1.c"))
        self.assertNotIn("HIDDEN_TEST_CODE", (result.kept / "build/grade/kernel-visible.elf").read_text())
        # ... the hidden test everywhere, and every test on the hidden preset, the kernel with it.
        hidden = [r for r in stage.runs if not any(r is v for v in visible)]
        self.assertEqual(sorted((r.spec.preset.name, r.spec.tests) for r in hidden),
                         [("2x2", ("lab1.secret",)), ("4x1", ("lab1.secret",)),
                          ("asym", ("lab1.a", "lab1.b", "lab1.c", "lab1.secret")), ("uma", ("lab1.secret",))])
        self.assertTrue(result.hidden_build.ok)
        self.assertIn("HIDDEN_TEST_CODE", result.hidden_build.kernel.read_text())
        self.assertIn("HIDDEN_DIR=", result.hidden_build.command)
        self.assertEqual(result.score, 23 - 3)   # lab1.c (3 points) fails everywhere: the student's file
        for test in stage.tests:
            for preset, run in test.runs.items():
                self.assertIn(test.test.name, run.spec.tests)


    def test_a_fence_violation_is_a_verdict_with_nothing_built(self):
        submission = self.student(files={})
        (submission / "kernel/lab1.cc").write_text('// fake=pass\n#include "/etc/hostname"\n')
        options = Options(tree=self.kit, labs=[1], submission=submission, jobs=3, qemu=FAKE)
        result = grade(options, plan(options))
        self.assertEqual((result.status, result.score, result.build), ("fence", 0, None))
        self.assertEqual({mark for t in result.stages[0].tests for mark in t.marks.values()}, {Mark.NOT_RUN})
        text = lab_report.format_text(result)
        self.assertIn('kernel/lab1.cc:2: #include "/etc/hostname"', text)
        self.assertIn("nothing was built or booted", text)
        data = json.loads(lab_report.to_json(result))
        self.assertEqual([v["rule"] for v in data["fence"]["violations"]], ["include"])


if __name__ == "__main__":
    unittest.main()
