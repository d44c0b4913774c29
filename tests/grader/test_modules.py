"""Boot modules: `grade.py run --module FILE[ ARGS]` becomes QEMU's -initrd list,
in order, and the rerun commands carry the same modules."""

import json
import os
import shlex
import subprocess
import sys
import tempfile
import unittest

import support
from proxima_grader import QemuSetup, run_one
from proxima_grader.qemu import ModuleError

GRADE = support.REPO / "grader" / "grade.py"
NONCE = "8899aabbccddeeff"


def module_file(name: str) -> str:
    """An existing file to boot as a module (the fake QEMU only checks it exists)."""
    handle, path = tempfile.mkstemp(prefix=f"proxima-{name}-", suffix=".elf")
    os.close(handle)
    return path


class Modules(unittest.TestCase):
    def setUp(self):
        self.sigma0 = module_file("sigma0")
        self.roottask = module_file("roottask")
        for path in (self.sigma0, self.roottask):
            self.addCleanup(os.unlink, path)

    def setup_with(self, *modules) -> QemuSetup:
        return QemuSetup((sys.executable, str(support.FAKE_QEMU)), support.KERNEL, modules=modules)

    def test_modules_go_to_initrd_in_order_with_their_arguments(self):
        setup = self.setup_with(self.sigma0, f"{self.roottask} verbose=1")
        result = run_one(support.fake_spec("pass"), setup, NONCE)
        self.assertTrue(result.passed, result.outcome.reason)
        initrd = result.argv[result.argv.index("-initrd") + 1]
        self.assertEqual(initrd, f"{self.sigma0},{self.roottask} verbose=1")
        self.assertLess(result.argv.index("-append"), result.argv.index("-initrd"))
        texts = [line.text for line in result.lines]
        self.assertIn(f"module 0: {self.sigma0}", texts)
        self.assertIn(f"module 1: {self.roottask} verbose=1", texts)
        make = result.commands()["make"]
        self.assertTrue(make.endswith("MODULES=" + shlex.quote(initrd)), make)
        self.assertEqual(shlex.split(result.commands()["qemu"]), result.argv)

    def test_without_modules_there_is_no_initrd_and_make_is_told_so(self):
        result = run_one(support.fake_spec("pass"), self.setup_with(), NONCE)
        self.assertTrue(result.passed, result.outcome.reason)
        self.assertNotIn("-initrd", result.argv)
        self.assertTrue(result.commands()["make"].endswith(" MODULES="), result.commands()["make"])

    def test_a_missing_module_file_is_a_qemu_error(self):
        setup = self.setup_with(self.sigma0, self.roottask + ".missing")
        result = run_one(support.fake_spec("pass"), setup, NONCE)
        self.assertFalse(result.passed)
        self.assertEqual(result.outcome.verdict.name, "QEMU_ERROR")

    def test_modules_that_initrd_cannot_carry_are_refused(self):
        with self.assertRaises(ModuleError):
            self.setup_with("a.elf,b.elf")
        with self.assertRaises(ModuleError):
            self.setup_with(" ")

    def test_a_specs_programs_are_booted_as_built_files_and_rerun_by_name(self):
        setup = QemuSetup((sys.executable, str(support.FAKE_QEMU)), support.KERNEL,
                          modules=(self.sigma0,),
                          programs=(("sigma0", self.sigma0), ("roottask", self.roottask)))
        spec = support.fake_spec("pass", tests=("l4.a",), modules=("sigma0", "roottask x=1"))
        result = run_one(spec, setup, NONCE)
        self.assertTrue(result.passed, result.outcome.reason)
        self.assertEqual(result.argv[result.argv.index("-initrd") + 1], f"{self.sigma0},{self.roottask} x=1")
        self.assertEqual(result.modules, ("sigma0", "roottask x=1"))
        self.assertTrue(result.commands()["make"].endswith(" MODULES='sigma0,roottask x=1'"))
        # A spec without modules of its own boots the setup's; one with none, nothing.
        self.assertIn("-initrd", run_one(support.fake_spec("pass"), setup, NONCE).argv)
        alone = run_one(support.fake_spec("pass", modules=()), setup, NONCE)
        self.assertNotIn("-initrd", alone.argv)
        self.assertTrue(alone.commands()["make"].endswith(" MODULES="))
        with self.assertRaises(ModuleError):
            setup.argv(support.fake_spec("pass", modules=("nosuch",)), NONCE)

    def grade(self, *args):
        fake = shlex.join([sys.executable, str(support.FAKE_QEMU)])
        command = [sys.executable, str(GRADE), "run", "--qemu", fake, "--kernel", support.KERNEL, *args]
        return subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)

    def test_cli_passes_repeated_modules_in_order(self):
        done = self.grade("--topo", "uma", "--tests", "a", "--kargs", "fake=pass", "--json",
                          "--module", self.sigma0, "--module", f"{self.roottask} x=1")
        self.assertEqual(done.returncode, 0, done.stderr)
        run = json.loads(done.stdout)["runs"][0]
        self.assertIn(f"-initrd '{self.sigma0},{self.roottask} x=1'", run["commands"]["qemu"])

    def test_cli_refuses_missing_or_unsayable_modules(self):
        done = self.grade("--topo", "uma", "--module", self.sigma0 + ".missing")
        self.assertEqual(done.returncode, 2)
        self.assertIn("boot module not found", done.stderr)
        done = self.grade("--topo", "uma", "--module", f"{self.sigma0},{self.roottask}")
        self.assertEqual(done.returncode, 2)
        self.assertIn("comma", done.stderr)


if __name__ == "__main__":
    unittest.main()
