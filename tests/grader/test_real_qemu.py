"""The grader against the real qemu-system-i386, with tiny hand-made kernels.

These check what a fake cannot: that QEMU accepts the grader's command line,
that isa-debug-exit turns status v into exit (v << 1) | 1, and that a triple
fault under -no-reboot ends QEMU with 0, and that a hung QEMU's monitor tells
where its vCPU was (vcpus.py). Skipped where QEMU is not installed.
"""

import shutil
import tempfile
import unittest
from pathlib import Path

import support
import tiny_kernel
from proxima_grader import Limits, QemuSetup, RunSpec, Verdict, parse_presets, report, run_one

NONCE = "5eed5eed5eed5eed"  # the tiny kernels cannot read the command line
QEMU = shutil.which("qemu-system-i386")
GOOD_OUTPUT = (f"booting\nKTEST {NONCE} tiny START\nKTEST {NONCE} tiny PASS\n"
               f"KTEST {NONCE} summary passed=1 failed=0\n"
               f"BOOT {NONCE} complete cpus=1 nodes=1\n")


@unittest.skipUnless(QEMU, "qemu-system-i386 not installed")
class RealQemu(unittest.TestCase):
    presets = parse_presets("tiny = -smp 1 -m 32M\nbroken = -smp 1 -numa bogus\n")

    def boot(self, image: bytes, preset="tiny", limits=support.RELAXED):
        with tempfile.TemporaryDirectory() as directory:
            kernel = Path(directory, "tiny.bin")
            kernel.write_bytes(image)
            spec = RunSpec(self.presets.get(preset), ("tiny",), limits=limits,
                           expect_cpus=1, expect_nodes=1)
            return run_one(spec, QemuSetup((QEMU,), str(kernel)), NONCE)

    def assertVerdict(self, result, verdict, exit_code):
        self.assertIs(result.outcome.verdict, verdict, result.outcome.reason)
        self.assertEqual(result.end.exit_code, exit_code)

    def test_pass(self):
        self.assertVerdict(self.boot(tiny_kernel.exiting_kernel(GOOD_OUTPUT, 0x10)),
                           Verdict.PASS, 33)

    def test_failed_status(self):
        self.assertVerdict(self.boot(tiny_kernel.exiting_kernel(GOOD_OUTPUT, 0x11)),
                           Verdict.FAILED_CHECK, 35)

    def test_panic(self):
        image = tiny_kernel.exiting_kernel("PANIC cpu=0: tiny panic\n", 0x12)
        self.assertVerdict(self.boot(image), Verdict.PANIC, 37)

    def test_triple_fault(self):
        result = self.boot(tiny_kernel.triple_fault_kernel("about to fault\n"))
        self.assertVerdict(result, Verdict.TRIPLE_FAULT, 0)
        self.assertEqual(result.lines[-1].text, "about to fault")

    def test_bad_preset_is_a_qemu_error(self):
        result = self.boot(tiny_kernel.exiting_kernel("", 0x10), preset="broken")
        self.assertVerdict(result, Verdict.QEMU_ERROR, 1)
        self.assertIn("numa", result.end.stderr)

    def hang(self, halt):
        """Boots a tiny kernel that hangs; returns the run and the one vCPU line expected of it."""
        result = self.boot(tiny_kernel.hanging_kernel("hanging\n", halt=halt),
                           limits=Limits(hang_seconds=2, timeout_seconds=60))
        self.assertIs(result.outcome.verdict, Verdict.HANG, result.outcome.reason)
        state = "halted in the kernel" if halt else "kernel"
        return result, f"vCPU 0: {state}, interrupts off, at {tiny_kernel.hang_address(halt):#x}"

    def test_a_hang_reports_where_the_vcpu_spins(self):
        result, line = self.hang(halt=False)
        self.assertEqual(result.end.vcpus, (line,))
        self.assertIn(f"vCPUs when QEMU was stopped:\n  {line}\n", report.format_details(result))
        with tempfile.TemporaryDirectory() as directory:
            log = report.write_logs([result], directory)[0].read_text().splitlines()
        self.assertEqual(log[2], f"# {line}")  # after the verdict and the rerun command

    def test_a_hang_reports_a_halted_vcpu(self):
        result, line = self.hang(halt=True)
        self.assertEqual(result.end.vcpus, (line,))

if __name__ == "__main__":
    unittest.main()
