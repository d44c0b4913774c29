"""The kernel's invariant checker as a grading signal (kernel/syscall/kcheck.h).

Every root task's end of the run (l4::end_run) has the kernel check the TCB
array, the run queues and the mapping database, and the grader fails a run
with a `KCHECK <nonce> violation` line whatever its tests said
(grader/proxima_grader/judge.py, rule 6). Here, on the real kernel: a clean
run of the core tests and of the base OS ends with `violations=0`, and with
`kcheck=plant` (the checker puts the running thread on its own run queue
before it looks, and takes it off after) the same passing tests fail the run
with the checker's message; so does `kcheck=plant-tcb` (the running thread
seen on a CPU of the node whose memory does not hold its TCB page: what a
Lab 3 solution that leaves a page behind looks like), and `kcheck=plant-stack`
(a word at the running thread's stack limit: a kernel stack that reached its
Tcb object). A clean run's line also says how deep the deepest kernel stack
went (`stack_max=`).

    PROXIMA_BUILD=build/release python3 -m unittest discover -s tests/os   (make os-tests)
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

KIT = Path(__file__).resolve().parents[2]
BUILD = KIT / os.environ.get("PROXIMA_BUILD", "build/release")


def grade(modules, tests, kargs=""):
    """(the grader's JSON report of one 2x2 run, its serial log)."""
    with tempfile.TemporaryDirectory() as logs:
        command = [sys.executable, str(KIT / "grader" / "grade.py"), "run", "--kernel", str(BUILD / "kernel.elf"),
                   "--topo", "2x2", "--tests", tests, "--json", "--log-dir", logs, "--hang-seconds", "120",
                   "--timeout", "600"]
        for module in modules:
            command += ["--module", str(BUILD / "userland" / f"{module}.elf")]
        if kargs:
            command += ["--kargs", kargs]
        done = subprocess.run(command, capture_output=True, text=True)
        log = next(Path(logs).glob("*.log")).read_text()
    return json.loads(done.stdout)["runs"][0], log


class InvariantChecker(unittest.TestCase):
    def test_clean_runs_end_with_no_violation(self):
        for modules, tests in ((["sigma0", "l4test"], "l4.ipc.call_reply,l4.map.grant,l4.leak.planted"),
                               (["sigma0", "baseos", "ostest"], "l4.os.threads")):
            with self.subTest(modules=modules):
                run, log = grade(modules, tests)
                self.assertTrue(run["passed"], run["reason"])
                self.assertIn(f"KCHECK {run['nonce']} done violations=0", log)
                self.assertRegex(log, rf"KCHECK {run['nonce']} done .* stack_max=[1-9][0-9]* "
                                      r"\((thread [0-9a-f]+|an idle thread)\)")

    def assert_planted_violation(self, kargs, *parts):
        """A passing test's run with `kargs` fails on one violation whose message has every part."""
        run, log = grade(["sigma0", "l4test"], "l4.ipc.call_reply", kargs)
        self.assertFalse(run["passed"])
        self.assertEqual(run["test_results"]["l4.ipc.call_reply"]["state"], "pass")
        messages = [problem["message"] for problem in run["problems"]]
        self.assertTrue(any(m.startswith("kernel invariant violated: thread ") and all(p in m for p in parts)
                            for m in messages), messages)
        self.assertIn(f"KCHECK {run['nonce']} done violations=1", log)

    def test_a_planted_inconsistency_fails_a_passing_run(self):
        self.assert_planted_violation("kcheck=plant", "is on its run queue")

    def test_a_tcb_page_off_its_threads_node_fails_a_passing_run(self):
        self.assert_planted_violation("kcheck=plant-tcb", "its TCB page", "lies off the memory that serves node 1")

    def test_a_kernel_stack_that_reached_its_tcb_fails_a_passing_run(self):
        self.assert_planted_violation("kcheck=plant-stack", "'s kernel stack reached")

if __name__ == "__main__":
    unittest.main()
