"""The verdict rules on made-up output, without starting any process."""

import unittest

import support
from proxima_grader import RunSpec, Verdict
from proxima_grader.judge import judge
from proxima_grader.qemu import Ending, ProcessEnd
from proxima_grader.serial import SerialCapture

NONCE = "00112233aabbccdd"


def run(text, exit_code=33, ending=Ending.EXITED, tests=("a",), stderr="", **fields):
    spec = RunSpec(support.PRESETS.get("uma"), tuple(tests), **fields)
    capture = SerialCapture()
    capture.feed(text.replace("@", NONCE).encode())
    capture.finish()
    return judge(spec, NONCE, ProcessEnd(ending, exit_code, stderr, 1.0), capture)


GOOD = """\
KTEST @ a START
KTEST @ a PASS
KTEST @ summary passed=1 failed=0
BOOT @ complete cpus=1 nodes=1
"""


class Judge(unittest.TestCase):
    def assertFails(self, outcome, words, verdict=Verdict.FAILED_CHECK):
        self.assertIs(outcome.verdict, verdict, outcome.reason)
        text = " | ".join(p.message for p in outcome.problems) + " | " + outcome.reason
        self.assertIn(words, text)

    def test_good_run_passes(self):
        outcome = run(GOOD, expect_cpus=1, expect_nodes=1)
        self.assertIs(outcome.verdict, Verdict.PASS, outcome.problems)
        self.assertEqual(outcome.tests["a"].state.value, "pass")

    def test_leading_blanks_and_informational_lines_are_fine(self):
        text = "hello\n  " + GOOD.replace("\n", "\nBOOT: loading modules\n", 1)
        self.assertIs(run(text).verdict, Verdict.PASS)

    def test_boot_line_with_another_nonce_is_forged(self):
        text = GOOD + "BOOT ffffffffffffffff complete cpus=1 nodes=1\n"
        self.assertFails(run(text), "forged or replayed")

    def test_every_line_needs_this_nonce(self):
        for old in ("a START", "a PASS", "summary passed", "complete"):
            with self.subTest(line=old):
                text = GOOD.replace(f"@ {old}", f"deadbeef {old}")
                self.assertFails(run(text), "nonce 'deadbeef'")

    def test_an_invariant_violation_fails_a_passing_run(self):
        text = GOOD + "KCHECK @ violation thread 88001 is Ready but neither runs nor is queued\n" + \
            "KCHECK @ done violations=1 threads=3 spaces=2\n"
        outcome = run(text)
        self.assertFails(outcome, "kernel invariant violated: thread 88001 is Ready")
        self.assertEqual(outcome.tests["a"].state.value, "pass")

    def test_the_checkers_done_line_is_informational_and_needs_the_nonce_when_it_accuses(self):
        self.assertIs(run(GOOD + "KCHECK @ done violations=0 threads=3 spaces=2\n").verdict, Verdict.PASS)
        self.assertFails(run(GOOD + "KCHECK deadbeef violation made up\n"), "nonce 'deadbeef'")

    def test_unknown_test_fails_without_start(self):
        text = GOOD.replace("passed=1 failed=0", "passed=1 failed=1") + \
            "KTEST @ nosuch FAIL no such test (test=list prints them)\n"
        outcome = run(text, tests=("a", "nosuch"))
        self.assertFails(outcome, "test 'nosuch' FAILED: no such test")
        self.assertEqual(len(outcome.problems), 1, outcome.problems)

    def test_available_lines_are_informational(self):
        self.assertIs(run("KTEST @ available a\n" + GOOD).verdict, Verdict.PASS)

    def test_malformed_ktest_line(self):
        self.assertFails(run(GOOD + "KTEST @ a MAYBE\n"), "malformed")

    def test_start_twice(self):
        self.assertFails(run("KTEST @ a START\n" + GOOD), "started twice")

    def test_two_summaries_and_two_boots(self):
        self.assertFails(run(GOOD + GOOD.splitlines(True)[2]), "2 summary lines")
        self.assertFails(run(GOOD + GOOD.splitlines(True)[3]), "2 BOOT complete lines")

    def test_all_mode_requires_a_result_for_every_started_test(self):
        text = "KTEST @ b START\n" + GOOD
        outcome = run(text, tests=("all",))
        self.assertFails(outcome, "test 'b' started but reported no result")
        self.assertEqual(outcome.tests["b"].state.value, "unfinished")

    def test_all_mode_passes_with_any_names(self):
        self.assertIs(run(GOOD, tests=("all",)).verdict, Verdict.PASS)

    def test_no_tests_requested_then_results_are_unexpected(self):
        self.assertFails(run(GOOD, tests=()), "was not requested")

    def test_node_count_checked(self):
        self.assertFails(run(GOOD, expect_nodes=2), "found 1 NUMA nodes, the machine has 2")

    def test_panic_beats_hang_and_names_the_running_test(self):
        text = "KTEST @ a START\nPANIC cpu=0: oops\n  eip=c0100000\n"
        outcome = run(text, exit_code=-9, ending=Ending.HANG)
        self.assertIs(outcome.verdict, Verdict.PANIC)
        self.assertEqual(outcome.reason, "PANIC cpu=0: oops (during test 'a')")
        self.assertEqual(outcome.focus_line, 2)

    def test_a_user_programs_panic_is_a_user_level_panic(self):
        text = ("KTEST @ a START\nPANIC user: LAB 4: userland/rootpager/pools.cc: "
                "rootpager::take_pools() is not written yet\n")
        outcome = run(text, exit_code=37)
        self.assertIs(outcome.verdict, Verdict.USER_PANIC)
        self.assertTrue(outcome.verdict.panicked)
        self.assertEqual(outcome.reason, "PANIC user: LAB 4: userland/rootpager/pools.cc: "
                                         "rootpager::take_pools() is not written yet (during test 'a')")
        self.assertEqual(outcome.focus_line, 2)
        # lab_printf's escaped lines never count as one.
        self.assertIs(run("lab| PANIC user: x\n" + GOOD).verdict, Verdict.PASS)

    def test_exit_1_without_stderr_suggests_status_0(self):
        outcome = run(GOOD, exit_code=1)
        self.assertIs(outcome.verdict, Verdict.QEMU_ERROR)
        self.assertIn("status 0 to port 0xf4", outcome.reason)

    def test_exit_1_shows_stderr(self):
        outcome = run("", exit_code=1, stderr="\nqemu-system-i386: cannot load kernel\n")
        self.assertEqual(outcome.reason, "QEMU exit 1: qemu-system-i386: cannot load kernel")

    def test_even_exit_status_is_qemu_error(self):
        self.assertIs(run(GOOD, exit_code=2).verdict, Verdict.QEMU_ERROR)

    def test_status_0x11_fails_even_with_good_output(self):
        self.assertFails(run(GOOD, exit_code=35), "status 0x11")

    def test_expected_text_names_the_tests(self):
        outcome = run(GOOD, tests=("a", "b"), expect_cpus=1)
        self.assertIn("START then PASS for a, b", outcome.expected)
        self.assertIn("complete cpus=1", outcome.expected)


if __name__ == "__main__":
    unittest.main()
