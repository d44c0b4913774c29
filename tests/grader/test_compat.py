"""scripts/compat.py (make compat) without QEMU: its parsing of pingpong's serial output,
and its driver against a fake pingpong that prints the menu, runs a mode, hangs, exits or
never brings the menu back, as a scenario says.

    python3 -m unittest discover -s tests/grader -p test_compat.py   (part of make grader-tests)
"""
import contextlib
import csv
import io
import os
import shlex
import sys
import tempfile
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "scripts"))

import compat  # noqa: E402

MENU = ("\nPlease select ipc type:\r\n\r\n1: INTER-AS\r\n2: INTRA-AS (IPC)\r\n3: INTRA-AS (LIPC)\r\n"
        "4: XCPU\r\n5: INTER-AS (small)\r\ns: print SQLite table\r\n")
COMPLETE_MODE = """Benchmarking Inter-AS IPC...
IPC ( 0 MRs): 17605.31 cycles, 17.60us, 0.00 instrs
IPC ( 1 MRs): 17625.09 cycles, 17.62us, 0.00 instrs
IPC ( 8 MRs): 17660.31 cycles, 17.66us, 0.00 instrs
IPC (63 MRs): 17935.31 cycles, 17.93us, 0.00 instrs

What now?
    g - Continue
    q - Quit/New measurement
  ESC - Enter KDB
"""
HUNG_MODE = "Benchmarking Intra-AS IPC...\nIPC ( 0 MRs): 99.80 cycles, 0.09us, 0.00 instrs\n"

# A stand-in for QEMU running pingpong: ignores its arguments, prints the menu, and
# answers keys on stdin. FAKE_HANG_KEY: that mode prints one line, then nothing;
# FAKE_EXIT_KEY: QEMU exits with 37 there; FAKE_EMPTY_KEY: "What now?" without lines;
# FAKE_NO_MENU=1: q gets no menu; FAKE_SILENT=1: not even the first menu.
FAKE_PINGPONG = r'''
import os, sys, time
menu = %r
mode = %r
def out(text):
    sys.stdout.write(text)
    sys.stdout.flush()
def stall():
    while True:
        time.sleep(60)
if os.environ.get("FAKE_SILENT"):
    stall()
out("Proxima: an L4 microkernel for NUMA machines (IA32)\nPingpong started 88001\n" + menu)
while True:
    key = sys.stdin.read(1)
    if key == "":
        sys.exit(0)
    if key == os.environ.get("FAKE_HANG_KEY"):
        out("Benchmarking Inter-AS IPC...\nIPC ( 0 MRs): 1.00 cycles, 0.00us, 0.00 instrs\n")
        stall()
    if key == os.environ.get("FAKE_EXIT_KEY"):
        out("PANIC: a fake panic\n")
        sys.exit(37)
    if key == os.environ.get("FAKE_EMPTY_KEY"):
        out("Benchmarking Inter-AS IPC...\n\nWhat now?\n")
    elif key in "12345":
        out(mode.replace("17605.31", "%%d.00" %% (100 * int(key))))
    elif key == "q":
        if os.environ.get("FAKE_NO_MENU"):
            stall()
        out(menu)
''' % (MENU, COMPLETE_MODE)


class Parsing(unittest.TestCase):
    def test_every_result_line_is_read(self):
        results = compat.parse_results(COMPLETE_MODE)
        self.assertEqual(sorted(results), [0, 1, 8, 63])
        self.assertEqual(results[8], (17660.31, 17.66))

    def test_menu_lines_are_not_results(self):
        self.assertEqual(compat.parse_results(MENU.replace("\r", "")), {})

    def test_a_complete_mode_that_brings_the_menu_back_passes(self):
        self.assertEqual(compat.mode_status(COMPLETE_MODE + MENU, compat.FOUND, compat.FOUND), compat.OK)

    def test_a_hang_is_a_hang_even_after_result_lines(self):
        self.assertEqual(compat.mode_status(HUNG_MODE, compat.HANG, None), "hang")

    def test_no_menu_after_q(self):
        self.assertEqual(compat.mode_status(COMPLETE_MODE, compat.FOUND, compat.HANG), "no-menu")
        self.assertEqual(compat.mode_status(COMPLETE_MODE, compat.FOUND, compat.EXITED), "exited")

    def test_what_now_without_a_result_line(self):
        self.assertEqual(compat.mode_status("Benchmarking XCPU IPC...\n\nWhat now?\n", compat.FOUND, compat.FOUND),
                         "no-result")


class Driver(unittest.TestCase):
    """run_machine against the fake pingpong, with a one-second hang limit."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix="proxima-compat-")
        self.addCleanup(self.dir.cleanup)
        self.fake = os.path.join(self.dir.name, "fake_pingpong.py")
        with open(self.fake, "w", encoding="utf-8") as f:
            f.write(FAKE_PINGPONG)
        saved = dict(os.environ)
        self.addCleanup(lambda: (os.environ.clear(), os.environ.update(saved)))

    def run_modes(self, modes, **env):
        os.environ.update(env)
        return compat.run_machine([sys.executable, self.fake], modes, "uma", "icount", 1.0, self.dir.name)

    def test_every_mode_runs_in_one_boot(self):
        runs = self.run_modes([1, 2, 3, 4, 5])
        self.assertEqual([(r.mode, r.status) for r in runs], [(m, "ok") for m in range(1, 6)])
        self.assertEqual(runs[1].results[0], (200.0, 17.6))
        self.assertEqual(len({r.log for r in runs}), 1)

    def test_a_hang_ends_its_boot_and_the_next_mode_gets_a_fresh_one(self):
        runs = self.run_modes([1, 2, 3], FAKE_HANG_KEY="2")
        self.assertEqual([(r.mode, r.status) for r in runs], [(1, "ok"), (2, "hang"), (3, "ok")])
        self.assertEqual(runs[1].results, {0: (1.0, 0.0)})
        self.assertIn("Benchmarking Inter-AS IPC...", runs[1].tail)
        self.assertNotEqual(runs[1].log, runs[2].log)

    def test_no_menu_after_q(self):
        runs = self.run_modes([1], FAKE_NO_MENU="1")
        self.assertEqual([r.status for r in runs], ["no-menu"])
        self.assertEqual(sorted(runs[0].results), [0, 1, 8, 63])

    def test_qemu_exiting_is_reported_with_its_status(self):
        runs = self.run_modes([4], FAKE_EXIT_KEY="4")
        self.assertEqual((runs[0].status, runs[0].exit_status), ("exited", 37))

    def test_what_now_without_results(self):
        self.assertEqual([r.status for r in self.run_modes([3], FAKE_EMPTY_KEY="3")], ["no-result"])

    def test_no_menu_at_boot_marks_every_mode_once(self):
        runs = self.run_modes([1, 2, 3], FAKE_SILENT="1")
        self.assertEqual([(r.mode, r.status) for r in runs], [(1, "no-boot"), (2, "no-boot"), (3, "no-boot")])


class Main(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix="proxima-compat-")
        self.addCleanup(self.dir.cleanup)
        for name in ("kernel.elf", "sigma0.elf", "pingpong.elf"):
            open(os.path.join(self.dir.name, name), "w").close()
        self.fake = os.path.join(self.dir.name, "fake_pingpong.py")
        with open(self.fake, "w", encoding="utf-8") as f:
            f.write(FAKE_PINGPONG)
        saved = dict(os.environ)
        self.addCleanup(lambda: (os.environ.clear(), os.environ.update(saved)))

    def main(self, *extra):
        d = self.dir.name
        argv = ["--kernel", f"{d}/kernel.elf", "--sigma0", f"{d}/sigma0.elf", "--pingpong", f"{d}/pingpong.elf",
                "--qemu", shlex.join([sys.executable, self.fake]), "--hang-seconds", "1",
                "--csv", f"{d}/compat.csv", *extra]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            status = compat.main(argv)
        return status, out.getvalue()

    def test_table_csv_and_status_when_all_pass(self):
        status, out = self.main("--topo", "uma", "--icount", "1", "--modes", "1,2")
        self.assertEqual(status, 0, out)
        self.assertRegex(out, r"1 inter-AS\s+0\s+100\.0\s+100\.9")
        self.assertRegex(out, r"\n\s+63\s+17935\.3\s+169\.8")
        with open(os.path.join(self.dir.name, "compat.csv"), encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(len(rows), 8)
        self.assertEqual((rows[0]["mode_name"], rows[0]["mrs"], rows[0]["cycles"], rows[0]["pistachio"]),
                         ("inter-AS", "0", "100.0", "100.9"))

    def test_a_hung_counted_mode_fails_with_the_tail_and_the_command(self):
        os.environ["FAKE_HANG_KEY"] = "3"
        status, out = self.main("--topo", "uma", "--icount", "0", "--modes", "3")
        self.assertEqual(status, 1)
        self.assertIn("mode 3 (intra-AS LIPC) on uma, tsc: hung", out)
        self.assertIn("  | Benchmarking Inter-AS IPC...", out)
        self.assertIn("-serial mon:stdio", out)

    def test_mode_5_is_reported_but_not_counted(self):
        os.environ["FAKE_HANG_KEY"] = "5"
        status, out = self.main("--topo", "uma", "--icount", "1", "--modes", "4,5")
        self.assertEqual(status, 0, out)
        self.assertIn("(mode 5: not counted)", out)

    def test_no_oracle_is_a_skip(self):
        saved = compat.DEFAULT_ORACLE
        compat.DEFAULT_ORACLE = "no/such/pingpong.elf"
        self.addCleanup(setattr, compat, "DEFAULT_ORACLE", saved)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            self.assertEqual(compat.main([]), 0)
        self.assertEqual(out.getvalue(), "compat: skipped: no oracle (no/such/pingpong.elf)\n")


if __name__ == "__main__":
    unittest.main()
