"""The kit's checks of Lab 3 itself (instructor-only: make handout leaves tests/labs/ out).

Like test_lab2.py, this proves Lab 3's grader both ways on the real kernel:
  - mutants, small deliberate bugs in the reference solution, each graded as a
    submission on top of the reference of Labs 1 and 2 (--sol 1-2), make the
    tests named for them FAIL and so lose points, and every test in
    stage.toml is one a mutant makes FAIL; the unchanged reference, graded the
    same way, passes every visible test on every visible preset;
  - the handout, given the solutions of Labs 1 and 2 as a student would be,
    fails Lab 3 with the panic that names the missing function, and still
    passes Lab 2 (whose tests never move a thread);
  - forged result lines (a stolen nonce, printed from Lab 3's code) earn nothing;
  - the off switch: with tcb_migration=off the reference leaves every TCB
    where it was made, so lab3.tcb_follows_thread fails on a NUMA machine
    and passes without the option.
"""

import json
import pathlib
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from lab_grading import (GRADE, ROOT, LabUnderTest, build_reference_kernel,  # noqa: E402
                         handout_tests, mutant_tests, why_failed)
from nonce_thief import FIND_NONCE, assert_thief_earned_nothing_but_was_seen  # noqa: E402

LAB = LabUnderTest(3)
LAB.first_presets = ("2x2", "4x1")   # mutants are graded here first, then on the other visible presets
FILE = "kernel/thread/tcb_migrate.cc"

# (name, text in the reference solution, replacement, what it breaks, the
# tests that must report FAIL on at least one visible preset).
MUTANTS = [
    ("no_shootdown",
     "    shoot_down_tcb(tcb);\n", "",
     "no CPU but the mover forgets the old translation",
     ("lab3.no_stale_translation", "lab3.old_page_returns")),
    ("local_flush_only",
     "void shoot_down_tcb(Tcb* tcb) { smp::call_on_all(forget_tcb_translation, tcb, smp::Wait::Yes); }",
     "void shoot_down_tcb(Tcb* tcb) { forget_tcb_translation(tcb); }",
     "the shootdown flushes the mover's own TLB only",
     ("lab3.no_stale_translation", "lab3.old_page_returns")),
    ("no_wait",
     "smp::Wait::Yes", "smp::Wait::No",
     "the shootdown does not wait for the other CPUs' acknowledgements",
     ("lab3.no_stale_translation",)),
    ("free_before_shootdown",
     "    shoot_down_tcb(tcb);\n\n    // (5) Nobody can reach the old page now.\n    release_tcb_page(old_page);\n",
     "    release_tcb_page(old_page);\n    shoot_down_tcb(tcb);\n",
     "the old page is given back (and poisoned) while other CPUs still reach it",
     ("lab3.no_stale_translation",)),
    ("copy_after_remap",
     "    memcpy(page, tcb, kTcbSize);\n    void* old_page = tcb->m_page;\n    static_cast<Tcb*>(page)->m_page = page;\n"
     "\n    // (3) The slot names the new page; this CPU's TLB already forgot the old one.\n"
     "    arch::set_kernel_page(uintptr_t(tcb), new_frame, true);\n",
     "    void* old_page = tcb->m_page;\n    arch::set_kernel_page(uintptr_t(tcb), new_frame, true);\n"
     "    memcpy(page, tcb, kTcbSize);\n    static_cast<Tcb*>(page)->m_page = page;\n",
     "the slot is pointed at the new page before the copy, which then copies the new page onto itself",
     ("lab3.tcb_follows_thread", "lab3.all_cpus_at_once")),
    ("moves_on_same_node",
     "    if (frame_on_memory_of(old_frame, node)) return false;\n", "    (void)old_frame;\n",
     "a move within a node copies the page anyway",
     ("lab3.same_node_stays",)),
    ("node_zero",
     "    void* page = kmem::alloc(kTcbSize, node);\n", "    void* page = kmem::alloc(kTcbSize, 0);\n",
     "the new page comes from node 0 whatever the thread's new node",
     ("lab3.tcb_follows_thread", "lab3.old_page_returns", "lab3.all_cpus_at_once", "l4.sched.migrate_tcb")),
    # In l4.sched.migrate_tcb's boot the wrong page freed later corrupts whatever
    # it holds: the test FAILs, the kernel panics or it hangs, run by run, so only
    # lab3.tcb_follows_thread must report the FAIL (node_zero makes
    # l4.sched.migrate_tcb FAIL every time).
    ("stale_m_page",
     "    static_cast<Tcb*>(page)->m_page = page;\n", "",
     "the copy keeps the old page's m_page, so the page freed later is the wrong one",
     ("lab3.tcb_follows_thread",)),
    ("plain_free",
     "    release_tcb_page(old_page);\n", "    kmem::free(old_page, kTcbSize);\n",
     "the old page goes back unpoisoned (kmem::free instead of release_tcb_page)",
     ("lab3.old_page_returns",)),
    ("leak",
     "    release_tcb_page(old_page);\n", "    (void)old_page;\n",
     "the old page is never given back",
     ("lab3.old_page_returns", "lab3.no_stale_translation", "lab3.all_cpus_at_once")),
]


# Three mutants (no_shootdown, no_wait, copy_after_remap) stop the kernel after
# their tests FAIL: a 20 s hang limit ends those boots sooner than the stage's 45.
Mutants = mutant_tests(LAB, [(name, FILE, [(old, new)], why, caught_by)
                              for name, old, new, why, caught_by in MUTANTS], "1-2",
                         extra=("--hang-seconds", "20"))


# Lab code that finds the run's nonce in memory and prints results for
# lab3.tcb_follows_thread with it, through the only channels Lab 3's fence
# leaves: lab_printf and a panic message. It runs in place of try_move_tcb.
NONCE_THIEF = FIND_NONCE + r'''
    lab_printf("stolen\nKTEST %s lab3.tcb_follows_thread START\n"
               "KTEST %s lab3.tcb_follows_thread PASS", nonce, nonce);
    panic("stolen\nKTEST %s lab3.tcb_follows_thread START\nKTEST %s lab3.tcb_follows_thread PASS\n", nonce, nonce);
'''


class Forgery(unittest.TestCase):
    def test_a_stolen_nonce_earns_nothing(self):
        with tempfile.TemporaryDirectory() as submission:
            LAB.submission(submission, ROOT)   # the handout's version: its holes unwritten
            path = pathlib.Path(submission, FILE)
            text = path.read_text()
            hole = '    lab_missing(3, "kernel/thread/tcb_migrate.cc", "thread::try_move_tcb");\n'
            self.assertIn(hole, text)
            text = text.replace('#include "lib/lab.h"\n', '#include "lib/lab.h"\n#include "lib/panic.h"\n', 1)
            path.write_text(text.replace(hole, NONCE_THIEF, 1))
            status, report, stdout = LAB.grade("--submission", submission, "--sol", "1-2")
            self.assertEqual(report["status"], "failed", stdout[-3000:])   # the fence let it build
            self.assertNotEqual(status, 0)
            self.assertEqual(LAB.stage_points(report)[0], 0, stdout[-3000:])
            # The boots of the kernel tests, where lab3.tcb_follows_thread runs.
            runs = [run for run in report["stages"][0]["runs"]
                    if run["preset"] in LAB.visible_presets and "lab3.tcb_follows_thread" in run["tests"]]
            self.assertEqual(sorted(run["preset"] for run in runs), sorted(LAB.visible_presets))
            assert_thief_earned_nothing_but_was_seen(self, runs)


# A student given the solutions of Labs 1 and 2.
Handout = handout_tests(LAB, "LAB 3: kernel/thread/tcb_migrate.cc: thread::try_move_tcb() is not written yet")


class OffSwitch(unittest.TestCase):
    def test_tcb_migration_off_leaves_every_tcb_where_it_was_made(self):
        with tempfile.TemporaryDirectory() as parent:
            kernel = build_reference_kernel(pathlib.Path(parent, "build"))
            run = subprocess.run(GRADE + ["run", "--kernel", kernel, "--topo", "2x2", "--kargs", "tcb_migration=off",
                                          "--kargs", "", "--tests", "lab3.tcb_follows_thread", "--json"],
                                 cwd=ROOT, capture_output=True, text=True, timeout=900)
            runs = {tuple(result["kargs"]): result for result in json.loads(run.stdout)["runs"]}
            self.assertEqual(sorted(runs), [(), ("tcb_migration=off",)])
            self.assertTrue(runs[()]["passed"], why_failed(runs[()]))
            off = runs[("tcb_migration=off",)]
            self.assertFalse(off["passed"], "with tcb_migration=off the TCB still followed the thread")
            self.assertIn("the TCB page lies on node 0, not on node 1", off["reason"])


if __name__ == "__main__":
    unittest.main()
