"""The kit's checks of Lab 7 itself (instructor-only: make handout leaves tests/labs/ out).

Like test_lab6.py, this proves Lab 7's grader both ways, on the real kernel and the
real NUMA OS (Lab 7's file is the pagers' side of thread migration: the dummy thread,
the space made on the target node, the move, the last thread's departure):
  - mutants, small deliberate bugs in the reference solution, each graded as a
    submission on top of the reference of Labs 1 to 6 (--sol 1-6), make the tests
    named for them FAIL, and every test in stage.toml is one a mutant makes FAIL; the
    unchanged reference, graded the same way, passes every visible test on every
    visible preset;
  - the handout, given the solutions of Labs 1 to 6 as a student would be, fails
    Lab 7 with the user-level panic that names the first missing function, and still
    passes Lab 6 (whose tests move no thread to another node);
  - forged result lines printed from Lab 7's code earn nothing;
  - the off switch: with migrate=cpu a thread moved to another node stays in its
    space on the old node, so migrate_threads fails there and passes without it.
"""

import json
import pathlib
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from lab_grading import (GRADE, ROOT, LabUnderTest, build_reference_programs,  # noqa: E402
                         handout_tests, mutant_tests, why_failed)
from nonce_thief import PAGER_SEARCH, find_nonce  # noqa: E402

LAB = LabUnderTest(7)
LAB.first_presets = ("2x2", "asym3")   # mutants are graded here first, then on the other visible presets
MIGRATION = "userland/apppager/migration.cc"

MOVE = ("    auto moved = l4::rpc::call<numa::root_proto::MoveToSpace>(root_worker_of(g_self.cpu), thread.id, space,\n"
        "                                                               Word{cpu}, pager_of(cpu));\n")

# (name, file, [(text in the reference solution, replacement)], what it breaks, the
# tests that must report FAIL on at least one visible preset).
MUTANTS = [
    ("thread_left_behind", MIGRATION,
     [(MOVE,
       "    auto moved = l4::rpc::call<numa::root_proto::MoveThread>(root_worker_of(g_self.cpu), thread.id,\n"
       "                                                              Word{cpu}, pager_of(cpu));\n")],
     "the thread gets the new CPU and its pager, but stays in its space on the old node",
     ("l4.numa.migrate_threads",)),
    ("space_on_own_node", MIGRATION,
     [("CreateSpace>(root_worker_of(cpu), dummy)", "CreateSpace>(root_worker_of(g_self.cpu), dummy)")],
     "the dummy's space is made by the worker of the pager's own CPU, so its home node is the pager's, "
     "not the target's",
     ("l4.numa.migrate_threads",)),
    ("dummy_not_deleted", MIGRATION,
     [("    if (!dummy.is_nil()) delete_dummy(dummy);\n", "")],
     "the dummy thread stays: a thread left over for every space made, and the space never ends",
     ("l4.numa.migrate_threads",)),
    ("dummy_deleted_first", MIGRATION,
     [("    // (3) The thread goes into it, with the pager of its new CPU; the dummy goes.\n" + MOVE
       + "    if (!dummy.is_nil()) delete_dummy(dummy);\n",
       "    if (!dummy.is_nil()) delete_dummy(dummy);\n" + MOVE)],
     "the dummy is deleted before the thread moves in: its space ends with it, and the move is refused",
     ("l4.numa.migrate_threads", "l4.numa.migrate_ostest")),
    ("node_not_left", MIGRATION,
     [("        leave_node(task, from);\n", "")],
     "the last thread out of a node: the pagers keep that node's table and replicas",
     ("l4.numa.migrate_last_thread",)),
    ("master_dropped", MIGRATION,
     [("    task.node[node].mapped_by = 0;\n",
       "    task.node[node].mapped_by = 0;\n"
       "    if (node == task.master_node) task.master.directory = 0;\n")],
     "leaving the master node drops the master's table: the global pages are forgotten",
     ("l4.numa.migrate_last_thread",)),
]

Mutants = mutant_tests(LAB, MUTANTS, "1-6", only=True, extra=("--hang-seconds", "60"))


# Lab code that looks for the run's nonce everywhere an application pager can read
# besides its own image, and prints result lines with whatever it found through
# lab_printf and lab_missing's message. It runs in place of migrate_thread_locked.
NONCE_THIEF = PAGER_SEARCH + find_nonce("places[place][0]", "places[place][1]") + r'''
        if (nonce[0] != 'n') {
            l4::lab_printf("stolen from %x", places[place][0]);
            found = nonce;
            break;
        }
    }
    l4::lab_printf("stolen\nKTEST %s l4.numa.migrate_threads START\nKTEST %s l4.numa.migrate_threads PASS", found,
                   found);
    l4::lab_missing(7, "stolen\nKTEST - l4.numa.migrate_threads PASS\n", found);
'''


class Forgery(unittest.TestCase):
    def test_forged_lines_from_a_pager_earn_nothing(self):
        hole = '    l4::lab_missing(7, "userland/apppager/migration.cc", "apppager::migrate_thread_locked");\n'
        runs, lines = LAB.grade_thief(self, MIGRATION, hole, NONCE_THIEF,
                                      ("l4/string.h", "numa/pool.h", "numa/layout.h", "pager.h"), "1-6")
        self.assertTrue(any(line.startswith("lab| stolen\\n\\x4bTEST not-found") for line in lines),
                        "the thief's lines are not there, or it found a nonce:\n" + "\n".join(lines))
        self.assertFalse(any(line.startswith("lab| stolen from") for line in lines), "\n".join(lines))


# Lab 6 passes with Lab 7's holes unwritten: its tests move no thread to another node.
Handout = handout_tests(LAB, "LAB 7: userland/apppager/migration.cc: apppager::migrate_thread_locked() is not "
                             "written yet")


class OffSwitch(unittest.TestCase):
    def test_migrate_cpu_leaves_the_thread_in_its_old_space(self):
        with tempfile.TemporaryDirectory() as parent:
            kernel, modules = build_reference_programs(pathlib.Path(parent, "build"),
                                                       "sigma0 rootpager apppager numaprobe ostest")
            tests = "l4.numa.migrate_threads,l4.numa.migrate_ostest"
            run = subprocess.run(GRADE + ["run", "--kernel", kernel, *modules, "--topo", "2x2",
                                          "--kargs", "pool=8 migrate=cpu", "--kargs", "pool=8",
                                          "--tests", tests, "--json"],
                                 cwd=ROOT, capture_output=True, text=True, timeout=900)
            runs = {tuple(result["kargs"]): result for result in json.loads(run.stdout)["runs"]}
            self.assertEqual(sorted(runs), [("pool=8",), ("pool=8", "migrate=cpu")])
            self.assertTrue(runs[("pool=8",)]["passed"], why_failed(runs[("pool=8",)]))
            off = runs[("pool=8", "migrate=cpu")]
            self.assertFalse(off["passed"], "with migrate=cpu the threads still changed spaces")
            results = off["test_results"]
            self.assertEqual(results["l4.numa.migrate_threads"]["state"], "fail", results)
            self.assertIn("is in a space of node", json.dumps(results["l4.numa.migrate_threads"]), results)
            self.assertEqual(results["l4.numa.migrate_ostest"]["state"], "pass", results)


if __name__ == "__main__":
    unittest.main()
