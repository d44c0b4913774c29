"""Grader integrity: what an adversarial (or just unlucky) student's kernel can do.

  - a flood of serial output is killed the moment it passes the cap, with
    the verdict "output flood", and earns nothing;
  - a hang is "no output for hang_seconds", counted from the last output:
    a kernel that keeps printing is never a hang, a silent one is killed
    soon after the limit and not before;
  - the same panic on several machines is reported once, naming them;
  - lab_printf's `lab| ` lines are shown in failure reports and never score.
"""

import json
import struct
import tempfile
import time
import unittest
from fractions import Fraction
from pathlib import Path

import fake_lab
import support
import tiny_kernel
from proxima_grader import Limits, QemuSetup, RunResult, RunSpec, TestState, Verdict
from proxima_grader import lab_report, report, run_many, run_one
from proxima_grader.grading import Grade, Options, grade, plan
from proxima_grader.judge import judge
from proxima_grader.labs import Stage, StageTest, graded_labs, load_stage
from proxima_grader.presets import load_presets
from proxima_grader.qemu import Ending, ProcessEnd
from proxima_grader.scoring import Mark, score_stage
from proxima_grader.serial import SerialCapture

NONCE = "00112233aabbccdd"
CAP = 256 * 1024
FLOOD = Limits(hang_seconds=60, timeout_seconds=120, output_cap=CAP)
QEMU = __import__("shutil").which("qemu-system-i386")


class Flood(unittest.TestCase):
    """A kernel printing as fast as it can: before, it ran to the time limit."""

    @classmethod
    def setUpClass(cls):
        specs = [support.fake_spec("fastflood", limits=FLOOD),
                 support.fake_spec("fastflood", limits=Limits(60, 120))]  # the default cap
        started = time.monotonic()
        cls.small, cls.default = run_many(specs, support.fake_setup(), jobs=2)
        cls.elapsed = time.monotonic() - started

    def test_flood_is_killed_at_the_cap_within_seconds(self):
        for result in (self.small, self.default):
            with self.subTest(cap=result.spec.limits.output_cap):
                outcome = result.outcome
                self.assertIs(outcome.verdict, Verdict.FLOOD, outcome.reason)
                self.assertIs(result.end.ending, Ending.FLOOD)
                self.assertLess(result.end.duration, 10, "QEMU was not killed at the cap")
                self.assertIn(f"more than {result.spec.limits.output_cap} bytes", outcome.reason)
                self.assertIn("(during test 'a')", outcome.reason)
                self.assertFalse(outcome.trusted, "a flooded run must earn nothing")
        self.assertLess(self.elapsed, 20)

    def test_flood_keeps_the_start_and_the_end_under_the_cap(self):
        lines = self.small.lines
        kept = sum(len(line.text) + 1 for line in lines)
        self.assertLessEqual(kept, CAP)
        self.assertTrue(lines[0].text.startswith("Proxima kernel (fake) booting"))
        self.assertEqual(lines[-1].text.strip(), ("flood " * 10).strip())
        self.assertGreater(self.small.line_count, CAP // 61)

    def test_report_says_flood(self):
        text = report.format_details(self.small)
        self.assertIn(f"--- FAIL {self.small.spec.describe()}: output flood", text)
        self.assertIn("QEMU killed: output flood after", text)
        self.assertEqual(report.run_to_dict(self.small)["verdict"], "flood")

    def test_flood_after_passing_tests_scores_nothing(self):
        stage = Stage(1, "Lab 1", (self.small.spec.preset,),
                      (StageTest("a", 10), StageTest("b", 5)), limits=FLOOD)
        graded = score_stage(stage, [self.small])
        self.assertEqual(graded.score, 0)
        self.assertEqual(graded.tests[1].marks, {"2x2": Mark.FAIL})
        self.assertIn("output flood", graded.tests[1].details["2x2"])

    def test_slow_output_is_no_flood(self):
        # A line every 0.2 s never reaches the cap: that is the time limit's job.
        result = run_one(support.fake_spec("flood", limits=Limits(60, 3, output_cap=CAP)),
                         support.fake_setup())
        self.assertIs(result.outcome.verdict, Verdict.TIMEOUT, result.outcome.reason)

    def test_output_under_the_cap_is_kept_whole(self):
        capture = SerialCapture(64 * 1024)
        line = b"z" * 99 + b"\n"
        for _ in range(600):  # 60000 bytes: past the head (7/8 of the cap), under the cap
            capture.feed(line)
        self.assertFalse(capture.flooded)
        self.assertFalse(capture.truncated)
        self.assertEqual(len(capture.lines()), 600)
        capture.feed(line * 60)
        self.assertTrue(capture.flooded)
        self.assertTrue(capture.overflow.is_set())


class Hang(unittest.TestCase):
    """Hang detection is by progress, with the limit the stage gives."""

    HANG_SECONDS = 2
    LINES, GAP = 4, 0.8  # 2.4 s of steady output, longer than the hang limit

    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory()
        kit = fake_lab.make_kit(Path(cls.directory.name),
                                f"fake=slow fakeslow={cls.LINES} fakegap={cls.GAP}")
        fake_lab.write(kit, "labs/lab1-alloc/stage.toml", f'''\
title = "Lab 1: slow"
presets = ["uma", "2x2"]
timeout_seconds = 60
hang_seconds = {cls.HANG_SECONDS}
[[tests]]
name = "lab1.a"
points = 1
''')
        options = Options(tree=kit, labs=[1], sol="none", jobs=2, qemu=support.fake_setup().qemu)
        graded = grade(options, plan(options))
        cls.stage = graded.stages[0].stage
        cls.results = graded.stages[0].runs

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def test_the_stage_limit_is_used(self):
        self.assertEqual(self.stage.limits.hang_seconds, self.HANG_SECONDS)
        self.assertEqual(len(self.results), 2)
        for result in self.results:
            self.assertEqual(result.spec.limits.hang_seconds, self.HANG_SECONDS)

    def test_hang_comes_after_the_limit_since_the_last_line_and_not_before(self):
        for result in self.results:
            with self.subTest(preset=result.spec.preset.name):
                self.assertIs(result.outcome.verdict, Verdict.HANG, result.outcome.reason)
                working = [l for l in result.lines if l.text.startswith("still working")]
                # Output kept coming for longer than the limit: no hang then.
                self.assertEqual(len(working), self.LINES)
                self.assertGreater(working[-1].time - working[0].time, self.HANG_SECONDS * 0.9)
                last = working[-1].time
                self.assertGreaterEqual(result.end.duration, last + self.HANG_SECONDS - 0.05)
                self.assertLess(result.end.duration, last + self.HANG_SECONDS + 3)
                self.assertIn(f"no serial output for {self.HANG_SECONDS} s", result.outcome.reason)
                self.assertIn("(during test 'lab1.a')", result.outcome.reason)

    def test_every_lab_stage_can_report_a_hang(self):
        # A hang limit at or past the time limit would never fire.
        presets = load_presets(support.REPO / "config" / "topologies.conf")
        for lab in graded_labs(support.REPO):
            stage = load_stage(support.REPO, lab.number, presets)
            with self.subTest(lab=lab.number):
                self.assertLess(stage.limits.hang_seconds, stage.limits.timeout_seconds)


def made_run(preset: str, text: str, exit_code: int = 37, tests=("lab1.a", "lab1.b"),
             ending: Ending = Ending.EXITED) -> RunResult:
    """A RunResult judged from made-up serial output ('@' is the nonce)."""
    spec = RunSpec(support.PRESETS.get(preset), tuple(tests), label="lab1")
    capture = SerialCapture()
    capture.feed(text.replace("@", NONCE).encode())
    capture.finish()
    end = ProcessEnd(ending, exit_code, "", 1.0)
    argv = QemuSetup(("qemu-system-i386",), "build/kernel.elf").argv(spec, NONCE)
    return RunResult(spec, NONCE, spec.kernel_cmdline(NONCE), argv, end, capture.lines(),
                     capture.line_count, capture.truncated, judge(spec, NONCE, end, capture))


def panicking(cpu: int, address: str, message: str = "kmem::free({addr}): not in any node's pool",
              test: str = "lab1.a", boot_lines: int = 3) -> str:
    boot = "".join(f"boot line {n}\n" for n in range(boot_lines))
    return (boot + f"KTEST @ {test} START\n" if test else boot) + \
        f"PANIC cpu={cpu}: {message.format(addr=address)}\n" \
        f"  backtrace: {address[2:]} c0101234\nleaving QEMU with the panic status\n"


PRESETS = ("uma", "2x2", "4x1", "asym", "asym3")


def lab_grade(runs: list[RunResult]) -> Grade:
    stage = Stage(1, "Lab 1: the node allocator",
                  tuple(r.spec.preset for r in runs),
                  (StageTest("lab1.a", 10), StageTest("lab1.b", 5)))
    return Grade(Options(tree=Path("kit")), [score_stage(stage, runs)], None)


class SamePanic(unittest.TestCase):
    def failure_blocks(self, text: str) -> list[str]:
        return ["--- FAIL" + block for block in text.split("\n--- FAIL")[1:]]

    def test_identical_panics_are_printed_once_with_the_machines(self):
        # The same panic, on other CPUs, at other addresses, after boots of other lengths.
        runs = [made_run(p, panicking(i, f"0xc0{i:06x}", boot_lines=3 + i))
                for i, p in enumerate(PRESETS)]
        text = lab_report.format_text(lab_grade(runs))
        blocks = self.failure_blocks(text)
        self.assertEqual(len(blocks), 1, text)
        block = blocks[0]
        self.assertIn("--- FAIL lab1: test=lab1.a,lab1.b: kernel panic, the same on 5 machines: "
                      "uma, 2x2, 4x1, asym, asym3", block)
        self.assertEqual(block.count("PANIC cpu="), 2, block)  # why: and the serial line
        self.assertIn("serial output of uma", block)
        for run in runs:
            preset = run.spec.preset.name
            self.assertEqual(text.count(f" qemu TOPO={preset} "), 1, preset)
            self.assertRegex(block, rf"\n  {preset}: +make (-C \S+ )?qemu TOPO={preset} KARGS='exit ")
        # Much shorter than five reports, and the JSON still has every run whole.
        separate = sum(len(report.format_details(r).splitlines()) for r in runs)
        self.assertLess(len(block.splitlines()), separate / 3)
        data = lab_report.grade_to_dict(lab_grade(runs))
        self.assertEqual([r["preset"] for r in data["stages"][0]["runs"]], list(PRESETS))
        for run_data, run in zip(data["stages"][0]["runs"], runs):
            self.assertEqual(run_data["reason"], run.outcome.reason)
            self.assertTrue(any("PANIC" in l["text"] for l in run_data["serial"]["excerpt"]))

    def test_different_panics_are_printed_separately(self):
        runs = [made_run("uma", panicking(0, "0xc0100000")),
                made_run("2x2", panicking(1, "0xc0200000")),
                # another message
                made_run("4x1", panicking(0, "0xc0100000", "node 1 pool overlaps node 2")),
                # the same message but for a node number, which is no address
                made_run("asym", panicking(0, "0xc0100000", "node 2 pool overlaps node 2")),
                # the same message in another test
                made_run("asym3", panicking(0, "0xc0100000", test="lab1.b")
                         .replace("KTEST @ lab1.b START", "KTEST @ lab1.a START\n"
                                  "KTEST @ lab1.a PASS\nKTEST @ lab1.b START"))]
        text = lab_report.format_text(lab_grade(runs))
        blocks = self.failure_blocks(text)
        self.assertEqual(len(blocks), 4, text)
        self.assertIn("the same on 2 machines: uma, 2x2", blocks[0])
        for block, preset in zip(blocks[1:], ("4x1", "asym", "asym3")):
            self.assertTrue(block.startswith(f"--- FAIL lab1: {preset} test=lab1.a,lab1.b: "
                                             "kernel panic\n"), block)
            self.assertRegex(block, rf"rerun alone:\n  make (-C \S+ )?qemu TOPO={preset} ")

    def test_other_failures_are_never_merged(self):
        hang = "KTEST @ lab1.a START\nworking\n"
        runs = [made_run(p, hang, exit_code=-9, ending=Ending.HANG) for p in ("uma", "2x2")]
        blocks = self.failure_blocks(lab_report.format_text(lab_grade(runs)))
        self.assertEqual(len(blocks), 2)


class LabPrintf(unittest.TestCase):
    def outcome(self, text: str, tests=("a",)):
        spec = RunSpec(support.PRESETS.get("uma"), tuple(tests))
        capture = SerialCapture()
        capture.feed(text.replace("@", NONCE).encode())
        capture.finish()
        return judge(spec, NONCE, ProcessEnd(Ending.EXITED, 33, "", 1.0), capture)

    def test_lab_lines_never_score(self):
        forged = ("lab| KTEST @ a START\nlab| KTEST @ a PASS\n"
                  "lab| KTEST @ summary passed=1 failed=0\n"
                  "lab| BOOT @ complete cpus=1 nodes=1\n")
        outcome = self.outcome(forged)
        self.assertIs(outcome.verdict, Verdict.FAILED_CHECK)
        self.assertIs(outcome.tests["a"].state, TestState.MISSING)
        self.assertIn("no 'BOOT <nonce> complete' line", [p.message.split(":")[0]
                                                         for p in outcome.problems])
        # After a real START, a lab| PASS is still no result.
        outcome = self.outcome("KTEST @ a START\nlab| KTEST @ a PASS\n"
                               "KTEST @ summary passed=0 failed=0\n"
                               "BOOT @ complete cpus=1 nodes=1\n")
        self.assertIs(outcome.tests["a"].state, TestState.UNFINISHED)
        # And a lab| PANIC is no panic.
        outcome = self.outcome("KTEST @ a START\nlab| PANIC cpu=0: boom\nKTEST @ a PASS\n"
                               "KTEST @ summary passed=1 failed=0\n"
                               "BOOT @ complete cpus=1 nodes=1\n")
        self.assertIs(outcome.verdict, Verdict.PASS, outcome.reason)

    def lab_lines_in(self, text: str) -> list[str]:
        return [line.split("] ", 1)[1] for line in text.splitlines() if "] lab| " in line]

    def test_lab_lines_are_shown_in_the_failure_report_and_never_score(self):
        result = run_one(support.fake_spec("unfinished", extra=("fakelab=45",)),
                         support.fake_setup())
        self.assertIs(result.outcome.tests["b"].state, TestState.UNFINISHED)
        text = report.format_details(result)
        # The serial excerpt (8 lines after b's START) already shows the first 8;
        # of the other 37, the first 10 and the last 20.
        self.assertIn("your lab_printf output (45 lines, 8 of them in the serial output above, "
                      "7 cut from the middle):", text)
        section = text.split("your lab_printf output")[1].split("\nrerun alone")[0]
        shown = self.lab_lines_in(section)
        self.assertEqual(len(shown), 30)
        self.assertEqual(shown[0], "lab| debug line 8")
        self.assertEqual(shown[9], "lab| debug line 17")
        self.assertIn("... 7 more lab| lines cut", section)
        self.assertEqual(shown[10], "lab| debug line 25")
        self.assertEqual(shown[-1], "lab| debug line 44")
        everywhere = self.lab_lines_in(text)
        self.assertEqual(len(everywhere), len(set(everywhere)), "a lab| line shown twice")
        self.assertIn(f"lab| KTEST {result.nonce} b PASS", everywhere)
        data = report.run_to_dict(result)["lab_printf"]
        self.assertEqual((data["count"], data["cut"], len(data["lines"])), (45, 15, 30))

    def test_few_lab_lines_are_all_shown_and_none_means_no_heading(self):
        result = run_one(support.fake_spec("unfinished", extra=("fakelab=4",)),
                         support.fake_setup())
        text = report.format_details(result)
        self.assertIn("your lab_printf output: 4 lines, all in the serial output above", text)
        self.assertEqual(len(self.lab_lines_in(text)), 4)
        self.assertIn("lab| debug line 3", text)
        # A panic right after them: the PANIC excerpt starts 3 lines before it.
        result = run_one(support.fake_spec("panic", extra=("fakelab=6", "fakepanic=b")),
                         support.fake_setup())
        self.assertIs(result.outcome.verdict, Verdict.PANIC)
        text = report.format_details(result)
        self.assertIn("your lab_printf output (6 lines, 3 of them in the serial output above):",
                      text)
        section = text.split("your lab_printf output")[1]
        self.assertEqual(self.lab_lines_in(section)[0], f"lab| KTEST {result.nonce} b PASS")
        self.assertEqual(len(self.lab_lines_in(section)), 3)
        self.assertEqual(len(set(self.lab_lines_in(text))), 6)
        self.assertNotIn("cut", text)
        plain = run_one(support.fake_spec("unfinished"), support.fake_setup())
        self.assertNotIn("lab_printf", report.format_details(plain))

    def test_lab_lines_in_a_graded_lab_never_score(self):
        with tempfile.TemporaryDirectory() as directory:
            kit = fake_lab.make_kit(Path(directory), "fake=unfinished fakelab=3")
            options = Options(tree=kit, labs=[1], sol="none", jobs=3,
                              qemu=support.fake_setup().qemu)
            graded = grade(options, plan(options))
        tests = {t.test.name: t for t in graded.stages[0].tests}
        self.assertEqual(tests["lab1.c"].score, 0)
        self.assertEqual(set(tests["lab1.c"].marks.values()), {Mark.FAIL})
        self.assertEqual(graded.score, Fraction(16))
        text = lab_report.format_text(graded)
        self.assertIn("your lab_printf output: 3 lines, all in the serial output above", text)
        self.assertIn(" lab| KTEST ", text)


class FakeLabSamePanic(unittest.TestCase):
    def test_a_graded_lab_that_panics_everywhere_reports_it_once(self):
        with tempfile.TemporaryDirectory() as directory:
            kit = fake_lab.make_kit(Path(directory), "fake=panic fakepanicvary")
            options = Options(tree=kit, labs=[1], sol="none", jobs=3,
                              qemu=support.fake_setup().qemu)
            graded = grade(options, plan(options))
        runs = graded.stages[0].runs
        self.assertEqual(len({r.outcome.reason for r in runs}), 3)  # cpu and address differ
        text = lab_report.format_text(graded)
        self.assertEqual(text.count("--- FAIL"), 1, text)
        self.assertIn("kernel panic, the same on 3 machines: uma, 2x2, 4x1", text)
        data = json.loads(lab_report.to_json(graded))
        self.assertEqual(len(data["stages"][0]["runs"]), 3)


@unittest.skipUnless(QEMU, "qemu-system-i386 not installed")
class RealQemu(unittest.TestCase):
    """The same with real QEMU and tiny kernels: a print loop, and a print then cli; hlt."""

    def boot(self, image: bytes, limits: Limits):
        with tempfile.TemporaryDirectory() as directory:
            kernel = Path(directory, "tiny.bin")
            kernel.write_bytes(image)
            presets = support.PRESETS
            spec = RunSpec(presets.get("uma"), ("tiny",), limits=limits)
            return run_one(spec, QemuSetup((QEMU,), str(kernel)), NONCE)

    def test_print_loop_is_a_flood(self):
        code = tiny_kernel._print_message()
        loop = code + b"\xEB" + struct.pack("<b", -(len(code) + 2))  # jmp back
        image = tiny_kernel._image(loop, "flooding the serial port\n")
        result = self.boot(image, Limits(60, 120, output_cap=CAP))
        self.assertIs(result.outcome.verdict, Verdict.FLOOD, result.outcome.reason)
        self.assertLess(result.end.duration, 30)

    def test_silence_is_a_hang_after_the_limit(self):
        code = tiny_kernel._print_message() + b"\xFA\xF4\xEB\xFD"  # cli; hlt; jmp hlt
        image = tiny_kernel._image(code, "about to stop\n")
        # The limit leaves QEMU time to start on a loaded machine: with 2 s, a start
        # that slow was a hang before the line (no output at all, as the grader says).
        hang = 6
        result = self.boot(image, Limits(hang_seconds=hang, timeout_seconds=60))
        self.assertIs(result.outcome.verdict, Verdict.HANG, result.outcome.reason)
        self.assertTrue(result.lines, f"no output within {hang} s of QEMU's start")
        last = result.lines[-1].time
        self.assertEqual(result.lines[-1].text, "about to stop")
        self.assertGreaterEqual(result.end.duration, last + hang - 0.05)
        self.assertLess(result.end.duration, last + hang + 5)


if __name__ == "__main__":
    unittest.main()
