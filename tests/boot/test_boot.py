"""Boot tests that judge how the real kernel fails, not only that it passes.

The Makefile's boot-tests runs the passing configurations through grade.py;
these check the other half of the grader's contract on the real kernel: a
crash is reported as a kernel panic with a register dump and a symbolic
backtrace, an unknown self-test name fails the run, the line protocol
carries the run's nonce, and a kernel that goes quiet is reported with where
each vCPU sat, by the kernel's symbols (proxima_grader/vcpus.py). Needs PROXIMA_KERNEL (the Makefile sets it).
"""

import os
import pathlib
import re
import sys
import tempfile
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "grader"))

from proxima_grader import Limits, Preset, QemuSetup, RunSpec, Verdict, load_presets, run_one  # noqa: E402
from proxima_grader.qemu import DEVICE_OPTIONS, Ending, run_process  # noqa: E402

KERNEL = os.environ.get("PROXIMA_KERNEL", str(ROOT / "build" / "release" / "kernel.elf"))


class RealKernelFailures(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not pathlib.Path(KERNEL).is_file():
            raise FileNotFoundError(f"no kernel at {KERNEL}: run make kernel")
        cls.presets = load_presets()
        cls.setup = QemuSetup(kernel=KERNEL)

    def boot(self, preset, tests):
        return run_one(RunSpec(self.presets.get(preset), tests=tests), self.setup)

    def text(self, result):
        return "\n".join(line.text for line in result.lines)

    def test_page_fault_is_a_panic_with_symbolic_backtrace(self):
        result = self.boot("2x2", ("crash.page_fault",))
        self.assertIs(result.outcome.verdict, Verdict.PANIC, result.outcome.reason)
        self.assertEqual(result.end.exit_code, 37)
        out = self.text(result)
        self.assertIn("PANIC cpu=0: unhandled exception #PF page fault", out)
        self.assertIn("cr2=00000ff0", out)
        self.assertIn("crash_by_page_fault", out)   # the faulting function, by name
        self.assertIn("kernel_main", out)           # and its callers
        self.assertIn("crash.page_fault", result.outcome.reason)

    # The kernel's code and read-only data are mapped without write permission
    # (kernel/arch/ia32/mm/paging.cc), so that lab code cannot redirect a
    # self-test or patch the kernel: the write must stop the kernel with a
    # PANIC line that says what was written to.
    def assert_write_protected(self, result, what, function):
        self.assertIs(result.outcome.verdict, Verdict.PANIC, result.outcome.reason)
        self.assertEqual(result.end.exit_code, 37)
        out = self.text(result)
        panic = re.search(r"^PANIC cpu=0: #PF page fault at eip=[0-9a-f]{8}: "
                          r"the kernel wrote to its own read-only (.*) at ([0-9a-f]{8})$", out, re.M)
        self.assertIsNotNone(panic, out)
        self.assertEqual(panic.group(1), what)
        self.assertIn(what, result.outcome.reason)   # what the grader reports
        self.assertIn("page fault: protection violation on write in kernel mode", out)
        self.assertIn(f"cr2={panic.group(2)}", out)  # the address named is the faulting one
        self.assertIn(function, out)                 # the writer, by name
        self.assertNotRegex(out, r"(?m)^KTEST \S+ \S+ (PASS|FAIL)")  # the test never got past the write

    def test_write_to_self_test_table_is_a_panic(self):
        result = self.boot("2x2", ("crash.write_ktests",))
        self.assert_write_protected(result, "self-test table (.ktests in .rodata)", "crash_by_writing_test_table")

    def test_write_to_kernel_code_is_a_panic(self):
        result = self.boot("uma", ("crash.write_text",))
        self.assert_write_protected(result, "code (.text)", "crash_by_writing_text")

    def test_panic_call_is_a_panic(self):
        result = self.boot("uma", ("crash.panic",))
        self.assertIs(result.outcome.verdict, Verdict.PANIC, result.outcome.reason)
        self.assertIn("deliberate panic from the crash.panic self-test", self.text(result))
        self.assertIn("crash_by_panic", self.text(result))

    def test_unknown_test_name_fails_the_run(self):
        result = self.boot("uma", ("no.such.test",))
        self.assertIs(result.outcome.verdict, Verdict.FAILED_CHECK)
        self.assertEqual(result.end.exit_code, 35)
        self.assertIn(f"KTEST {result.nonce} no.such.test FAIL no such test", self.text(result))

    def test_result_lines_carry_the_nonce(self):
        result = self.boot("2x2", ("smp.all_cpus_online",))
        self.assertTrue(result.passed, result.outcome.reason)
        out = self.text(result)
        self.assertIn(f"KTEST {result.nonce} smp.all_cpus_online PASS", out)
        self.assertIn(f"BOOT {result.nonce} complete cpus=4 nodes=2", out)
        self.assertIn(f"nonce={result.nonce}", result.cmdline)

    def test_multiboot_modules_and_their_command_lines_are_found(self):
        with tempfile.TemporaryDirectory() as directory:
            first = pathlib.Path(directory, "first.txt")
            second = pathlib.Path(directory, "second.bin")
            first.write_text("hello\n")
            second.write_bytes(os.urandom(10000))
            machine = Preset("modules", ("-smp", "1", "-m", "64M", "-initrd", f"{first} arg1 arg2,{second}"))
            result = run_one(RunSpec(machine, expect_cpus=1, expect_nodes=1), self.setup)
        self.assertTrue(result.passed, result.outcome.reason)
        modules = re.findall(r"^module: \[([0-9a-f]+), ([0-9a-f]+)\) (.*)$", self.text(result), re.M)
        self.assertEqual([(int(end, 16) - int(start, 16), name) for start, end, name in modules],
                         [(6, f"{first} arg1 arg2"), (10000, str(second))])


    def test_a_quiet_kernel_is_reported_with_where_each_vcpu_sat(self):
        # Without the `exit` option the kernel, once booted with no user
        # programs, idles for ever: a hang to the grader, the vCPUs halted in
        # the idle thread with interrupts on (one may be in a timer interrupt
        # at that moment: then it is in the kernel, named by its symbols too).
        argv = ["qemu-system-i386", "-kernel", KERNEL, "-append", "", *self.presets.get("2x2").options,
                *DEVICE_OPTIONS]
        end, capture = run_process(argv, Limits(hang_seconds=5, timeout_seconds=120))
        self.assertIs(end.ending, Ending.HANG)
        self.assertIn("BOOT - complete cpus=4 nodes=2", "\n".join(line.text for line in capture.lines()))
        self.assertEqual(len(end.vcpus), 4, end.vcpus)
        for index, line in enumerate(end.vcpus):
            self.assertRegex(line, rf"^vCPU {index}: (halted in the kernel|kernel), interrupts (on|off), "
                                   r"at [a-z_].*\+0x[0-9a-f]+")
        idle = r"^vCPU \d: halted in the kernel, interrupts on, at thread::\(anonymous namespace\)::idle_main\(\)"
        self.assertTrue(any(re.match(idle, line) for line in end.vcpus), end.vcpus)

if __name__ == "__main__":
    unittest.main()
