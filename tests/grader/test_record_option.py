"""grade.py run --record: what the grader records, keeps and prints.

That a recording made this way replays to the same output under the real QEMU
is checked by tests/gdb/replay_test.sh; here, with the fake QEMU (which writes a
stand-in recording and the serial log as QEMU would), the command lines, the
files a kept recording holds, and which runs keep one.
"""

import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import support
from proxima_grader.recording import prepare

GRADE = support.REPO / "grader" / "grade.py"


def run_grader(record: Path, scenario: str, topos: str, *extra: str) -> subprocess.CompletedProcess:
    module = Path(record.parent, "sigma0.elf")
    module.write_text("a module\n")
    fake = f"{sys.executable} {support.FAKE_QEMU}"
    return subprocess.run([sys.executable, str(GRADE), "run", "--qemu", fake, "--kernel", support.KERNEL,
                           "--module", f"{module} x=1", "--topo", topos, "--tests", "a",
                           "--kargs", f"fake={scenario}", "--record", str(record), *extra],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)


class Prepare(unittest.TestCase):
    def test_files_are_copied_and_booted_from_the_recording(self):
        with tempfile.TemporaryDirectory() as scratch:
            kernel, module = Path(scratch, "k.elf"), Path(scratch, "m.elf")
            kernel.write_text("kernel\n")
            module.write_text("module\n")
            plugin = ["-plugin", "/p/numaprof.so,out=/x"]
            argv = ["qemu", "-kernel", str(kernel), "-append", "exit test=a", "-initrd", f"{module} a=1",
                    "-smp", "1", *plugin, "-serial", "stdio", "-device", "isa-debug-exit"]
            where = Path(scratch, "rec")
            run = prepare(where, argv)
            copies = [str(where / "kernel.elf"), f"{where / 'module1-m.elf'} a=1"]
            self.assertEqual(run[:7], ["qemu", "-kernel", copies[0], "-append", "exit test=a",
                                       "-initrd", copies[1]])
            self.assertEqual((where / "kernel.elf").read_text(), "kernel\n")
            self.assertIn(f"rr=record,rrfile={where / 'run.rr'}", run[run.index("-icount") + 1])
            self.assertEqual(run[run.index("-serial") + 1], "chardev:rrserial")
            self.assertNotIn("stdio", run)
            self.assertIn("-plugin", run)
            # What rr.sh replays: the same machine and files, no serial port, no plugin.
            replay = (where / "argv").read_bytes().split(b"\0")[:-1]
            self.assertEqual([a.decode() for a in replay],
                             ["qemu", "-kernel", copies[0], "-append", "exit test=a", "-initrd", copies[1],
                              "-smp", "1", "-device", "isa-debug-exit"])


class RunOption(unittest.TestCase):
    def test_a_failed_run_keeps_its_recording_and_prints_the_replay(self):
        with tempfile.TemporaryDirectory() as scratch:
            record = Path(scratch, "rec")
            done = run_grader(record, "fail", "uma,2x2")
            self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
            kept = list(record.iterdir())
            self.assertEqual(len(kept), 1, kept)   # uma only: QEMU records no machine with more CPUs
            self.assertTrue(kept[0].name.startswith("uma-"))
            names = sorted(p.name for p in kept[0].iterdir())
            self.assertEqual(names, ["argv", "icount", "kernel.elf", "module1-sigma0.elf", "record.log", "run.rr"])
            self.assertIn("KTEST", (kept[0] / "record.log").read_text())
            self.assertIn(f" replay-gdb RR_DIR={kept[0]}", done.stdout)
            self.assertIn(f" gdb-replay RR_DIR={kept[0]}", done.stdout)
            # The rerun commands stay those of a plain run.
            self.assertNotIn("rr=record", done.stdout)
            self.assertIn("-serial stdio", done.stdout)

    def test_a_hung_run_is_told_to_stop_before_it_is_killed(self):
        # Killed at once, QEMU would leave its log without the part it had not written yet.
        # (The hang limit gives the fake time to start and write its log on a loaded machine.)
        with tempfile.TemporaryDirectory() as scratch:
            record = Path(scratch, "rec")
            done = run_grader(record, f"hang fakepidfile={Path(scratch, 'child.pid')}", "uma", "--hang-seconds", "4")
            self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
            self.assertIn("hang", done.stdout)
            kept = list(record.iterdir())
            self.assertEqual(len(kept), 1, kept)
            self.assertEqual((kept[0] / "run.rr").read_text(), "fake QEMU recording\nended by SIGTERM\n")

    def test_a_passed_run_keeps_nothing(self):
        with tempfile.TemporaryDirectory() as scratch:
            record = Path(scratch, "rec")
            done = run_grader(record, "pass", "uma")
            self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
            self.assertEqual(list(record.iterdir()), [])
            self.assertNotIn("replay-gdb", done.stdout)


if __name__ == "__main__":
    unittest.main()
