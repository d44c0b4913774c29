"""Every verdict kind, from the fake QEMU playing a misbehaving kernel.

All scenarios run once, in parallel, in setUpClass; each test then reads the
result of its scenario. Only the hang and timeout scenarios use short limits.
"""

import tempfile
import unittest
from pathlib import Path

import support
from proxima_grader import ExpectBlock, ExpectRegex, Limits, Verdict, run_many
from proxima_grader.qemu import Ending, QemuSetup

SHORT = Limits(hang_seconds=2, timeout_seconds=4)
HANG = Limits(hang_seconds=2, timeout_seconds=60)
TOPOLOGY_2X2 = ("topology: nodes=2 cpus=4", "node 0: cpus=2", "node 1: cpus=2")


class Verdicts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory()
        cls.pidfile = Path(cls.directory.name) / "child.pid"
        fake = support.fake_spec
        cls.specs = {
            "pass": fake("pass"),
            "pass-all": fake("pass", tests=("all",)),
            "pass-none": fake("pass", tests=(), preset="uma"),
            "crlf": fake("crlf"),
            "fail": fake("fail", extra=("fakefail=b",)),
            "liar": fake("liar"),
            "panic": fake("panic"),
            "panic-silent": fake("panic-silent", limits=HANG),
            "status-panic": fake("status-panic"),
            "triple": fake("triple"),
            "qemu-error": fake("qemu-error"),
            "signal": fake("signal"),
            "hang": fake("hang", extra=(f"fakepidfile={cls.pidfile}",), limits=HANG),
            "flood": fake("flood", limits=SHORT),
            "forged": fake("forged"),
            "replay": fake("replay"),
            "duplicate": fake("duplicate"),
            "unrequested": fake("unrequested"),
            "unfinished": fake("unfinished"),
            "missing": fake("missing"),
            "bad-summary": fake("bad-summary"),
            "no-boot": fake("no-boot"),
            "wrong-cpus": fake("pass", extra=("fakecpus=3",)),
            "odd-status": fake("exit", extra=("fakeexit=41",)),
            "big": fake("big", extra=("fakelines=20000",),
                        limits=Limits(60, 120, output_cap=64 * 1024)),
            "block-ok": fake("pass", expectations=(ExpectBlock(TOPOLOGY_2X2),)),
            "block-wrong": fake("pass", expectations=(
                ExpectBlock(TOPOLOGY_2X2[:2] + ("node 1: cpus=3",), "topo-2x2.txt"),)),
            "regex-wrong": fake("pass", expectations=(ExpectRegex(r"^ipc: \d+ cycles$"),)),
        }
        results = run_many(cls.specs.values(), support.fake_setup(), jobs=4)
        cls.results = dict(zip(cls.specs, results))

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def verdict(self, name, verdict, words=""):
        result = self.results[name]
        outcome = result.outcome
        self.assertIs(outcome.verdict, verdict,
                      f"{name}: {outcome.reason}; problems: {outcome.problems}")
        text = outcome.reason + " | " + " | ".join(p.message for p in outcome.problems)
        self.assertIn(words, text)
        self.assertEqual(result.passed, verdict is Verdict.PASS)
        return result

    def test_pass(self):
        result = self.verdict("pass", Verdict.PASS)
        self.assertEqual(result.end.exit_code, 33)
        self.assertEqual({n: t.state.value for n, t in result.outcome.tests.items()},
                         {"a": "pass", "b": "pass"})
        self.assertIn(f"KTEST {result.nonce} a PASS", [l.text for l in result.lines])

    def test_pass_with_all_tests_and_with_none(self):
        result = self.verdict("pass-all", Verdict.PASS)
        self.assertEqual(list(result.outcome.tests), ["alloc", "sched", "ipc"])
        self.verdict("pass-none", Verdict.PASS)

    def test_crlf_and_split_writes(self):
        self.verdict("crlf", Verdict.PASS)

    def test_failed_self_test(self):
        result = self.verdict("fail", Verdict.FAILED_CHECK,
                              "test 'b' FAILED: expected 4 free frames, found 3")
        self.assertEqual(result.outcome.tests["b"].state.value, "fail")
        self.verdict("fail", Verdict.FAILED_CHECK, "status 0x11")

    def test_fail_line_with_status_0x10(self):
        self.verdict("liar", Verdict.FAILED_CHECK, "test 'a' FAILED")

    def test_panic(self):
        result = self.verdict("panic", Verdict.PANIC, "PANIC cpu=1: page fault at 0xdeadbeef")
        self.assertIn("(during test 'a')", result.outcome.reason)
        focus = [l for l in result.lines if l.number == result.outcome.focus_line]
        self.assertTrue(focus[0].text.startswith("PANIC"))

    def test_panic_then_silence_is_a_panic(self):
        result = self.verdict("panic-silent", Verdict.PANIC, "PANIC cpu=1")
        self.assertIs(result.end.ending, Ending.HANG)

    def test_panic_status_without_panic_line(self):
        self.verdict("status-panic", Verdict.PANIC, "status 0x12")

    def test_triple_fault(self):
        self.verdict("triple", Verdict.TRIPLE_FAULT, "during test 'a'")

    def test_qemu_error_shows_stderr(self):
        result = self.verdict("qemu-error", Verdict.QEMU_ERROR, "invalid option")
        self.assertIn("-numa node", result.end.stderr)

    def test_qemu_crash(self):
        self.verdict("signal", Verdict.QEMU_ERROR, "SIGSEGV")

    def test_qemu_missing(self):
        setup = QemuSetup(("/nonexistent/qemu-system-i386",), support.KERNEL)
        result = run_many([support.fake_spec("pass")], setup)[0]
        self.assertIs(result.outcome.verdict, Verdict.QEMU_ERROR)
        self.assertIn("cannot run /nonexistent/qemu-system-i386", result.outcome.reason)

    def test_hang_kills_qemu_and_its_children(self):
        result = self.verdict("hang", Verdict.HANG, "no serial output for 2 s")
        self.assertIn("during test 'a'", result.outcome.reason)
        self.assertGreaterEqual(result.end.duration, 2)
        self.assertLess(result.end.duration, 30)
        child = int(self.pidfile.read_text())
        self.assertFalse(_running(child), "QEMU's child process survived the kill")

    def test_timeout_while_output_continues(self):
        result = self.verdict("flood", Verdict.TIMEOUT, "4 s limit")
        self.assertGreaterEqual(result.end.duration, 4)
        self.assertLess(result.end.duration, 30)
        self.assertTrue(result.lines[-1].text.startswith("tick"))

    def test_forged_nonce(self):
        self.verdict("forged", Verdict.FAILED_CHECK, "forged or replayed output")

    def test_pass_without_start(self):
        self.verdict("replay", Verdict.FAILED_CHECK, "PASS without a START")

    def test_duplicate_result(self):
        self.verdict("duplicate", Verdict.FAILED_CHECK, "reported a result twice")

    def test_unrequested_test(self):
        self.verdict("unrequested", Verdict.FAILED_CHECK, "'bonus' was not requested")

    def test_unfinished_test(self):
        self.verdict("unfinished", Verdict.FAILED_CHECK, "test 'b' started but reported no result")

    def test_missing_test(self):
        self.verdict("missing", Verdict.FAILED_CHECK, "test 'b' was requested but never started")

    def test_summary_disagrees(self):
        self.verdict("bad-summary", Verdict.FAILED_CHECK, "summary says passed=3 failed=0")

    def test_no_boot_line(self):
        self.verdict("no-boot", Verdict.FAILED_CHECK, "no 'BOOT <nonce> complete' line")

    def test_wrong_cpu_count(self):
        self.verdict("wrong-cpus", Verdict.FAILED_CHECK, "kernel booted 3 CPUs, the machine has 4")

    def test_unknown_kernel_status(self):
        self.verdict("odd-status", Verdict.FAILED_CHECK, "unknown kernel status 0x14")

    def test_output_cap(self):
        # Past the cap is a flood: QEMU is killed there, before the kernel's
        # last lines (more in test_integrity.py).
        result = self.verdict("big", Verdict.FLOOD, "65536-byte cap")
        self.assertTrue(result.truncated)
        self.assertGreater(result.line_count, 64 * 1024 // 100)
        kept = sum(len(l.text) + 1 for l in result.lines)
        self.assertLessEqual(kept, 64 * 1024)
        self.assertTrue(result.lines[-1].text.startswith("filler"))

    def test_expected_block(self):
        self.verdict("block-ok", Verdict.PASS)
        result = self.verdict("block-wrong", Verdict.FAILED_CHECK, "topo-2x2.txt")
        detail = result.outcome.problems[0].detail
        self.assertIn("-node 1: cpus=3", detail)
        self.assertIn("+node 1: cpus=2", detail)

    def test_expected_regex(self):
        self.verdict("regex-wrong", Verdict.FAILED_CHECK, "no output line matches")

    def test_every_run_has_its_own_nonce(self):
        nonces = [r.nonce for r in self.results.values()]
        self.assertEqual(len(set(nonces)), len(nonces))
        self.assertTrue(all(len(n) == 16 for n in nonces))


def _running(pid: int) -> bool:
    """True if pid is alive and not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


if __name__ == "__main__":
    unittest.main()
