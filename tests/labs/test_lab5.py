"""The kit's checks of Lab 5 itself (instructor-only: make handout leaves tests/labs/ out).

Like test_lab4.py, this proves Lab 5's grader both ways, on the real kernel and the
real NUMA OS (Lab 5's files are the application pagers' fault path):
  - mutants, small deliberate bugs in the reference solution, each graded as a
    submission on top of the reference of Labs 1 to 4 (--sol 1-4), make the tests
    named for them FAIL and so lose points, and every test in stage.toml is one a
    mutant makes FAIL; the unchanged reference, graded the same way, passes every
    visible test on every visible preset;
  - the handout, given the solutions of Labs 1 to 4 as a student would be, fails
    Lab 5 with the user-level panic that names the first missing function, and
    still passes Lab 4 (whose tests run no task, so no Lab 5 code);
  - forged result lines printed from Lab 5's code earn nothing: the pagers' memory
    (their image, the modules, every pool) does not hold the run's nonce, and the
    lines come out escaped;
  - the off switch: with placement=master every page comes from the master's node
    and code is not replicated, so first_touch and code_promotion fail on 2x2.
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

LAB = LabUnderTest(5)
LAB.first_presets = ("2x2", "memless3")   # mutants are graded here first, then on the other visible presets
GLOBAL = "userland/apppager/global_pages.cc"
LOCAL = "userland/apppager/local_pages.cc"
PROMOTION = "userland/apppager/promotion.cc"

# (name, file, [(text in the reference solution, replacement)], what it breaks, the
# tests that must report FAIL on at least one visible preset).
MUTANTS = [
    ("no_master_lock", GLOBAL,
     [("    Task& task = fault.task;\n    MasterLock master(task);\n", "    Task& task = fault.task;\n")],
     "the master's table is read and written without its lock: two nodes faulting at once make two frames",
     ("l4.numa.one_frame_shared",)),
    ("first_touch_on_node0", GLOBAL,
     [("new_frame(fault, fault.first_touch_node)", "new_frame(fault, 0)")],
     "every global page is allocated from node 0's pool, not the faulting node's",
     ("l4.numa.first_touch",)),
    ("own_table_only", GLOBAL,
     [("        *global = make_entry(frame, rights, false);\n",
       "        NodeLock own(task, fault.node);\n"
       "        Word* mine = node_entry(task, fault.node, fault.page);\n"
       "        if (mine == nullptr) return \"out of memory\";\n"
       "        *mine = make_entry(frame, rights, false);\n"
       "        answer(fault, *mine);\n"
       "        return nullptr;\n")],
     "a first touch enters the new frame into the faulting node's table only, not the master's",
     ("l4.numa.one_frame_shared",)),
    ("local_pages_global", LOCAL,
     [("    Task& task = fault.task;\n    NodeLock own(task, fault.node);\n",
       "    Task& task = fault.task;\n    if (task.used) return map_global_page(fault, false);\n"
       "    NodeLock own(task, fault.node);\n")],
     "make_local pages go through the master's table like global ones",
     ("l4.numa.make_local",)),
    ("promotion_keeps_replicas", PROMOTION,
     [("            unmap_from_node(node, replica);\n", "")],
     "a promoted code page's replicas leave the other nodes' tables but stay mapped in their spaces",
     ("l4.numa.code_promotion",)),
    ("replica_not_freed", PROMOTION,
     [("            free_frame(task, replica);\n", "")],
     "a promoted code page's replicas are unmapped but never given back to their pools",
     ("l4.numa.exit_frees_all",)),
]


Mutants = mutant_tests(LAB, MUTANTS, "1-4")


# Lab code that looks for the run's nonce everywhere an application pager can read
# besides its own image (which never holds it: the pager never sees the command line):
# every program module in the module window and every node's pool, and prints result
# lines with whatever it found, through the only channels Lab 5's fence leaves:
# lab_printf and lab_missing's message. It runs in place of map_global_page, the first
# Lab 5 function a task's page fault reaches.
NONCE_THIEF = PAGER_SEARCH + find_nonce("places[place][0]", "places[place][1]") + r'''
        if (nonce[0] != 'n') {
            l4::lab_printf("stolen from %x", places[place][0]);
            found = nonce;
            break;
        }
    }
    (void)image;
    l4::lab_printf("stolen\nKTEST %s l4.numa.first_touch START\nKTEST %s l4.numa.first_touch PASS", found, found);
    l4::lab_missing(5, "stolen\nKTEST - l4.numa.first_touch PASS\n", found);
'''


class Forgery(unittest.TestCase):
    def test_forged_lines_from_a_pager_earn_nothing(self):
        hole = '    l4::lab_missing(5, "userland/apppager/global_pages.cc", "apppager::map_global_page");\n'
        runs, lines = LAB.grade_thief(self, GLOBAL, hole, NONCE_THIEF, ("l4/string.h", "numa/pool.h", "pager.h"),
                                      "1-4")
        # Printed, escaped (the K of KTEST comes out as \x4b); and nowhere a pager can
        # read holds the nonce.
        self.assertTrue(any(line.startswith("lab| stolen\\n\\x4bTEST not-found") for line in lines),
                        "the thief's lines are not there, or it found a nonce:\n" + "\n".join(lines))
        self.assertFalse(any(line.startswith("lab| stolen from") for line in lines), "\n".join(lines))


# Lab 4 passes with Lab 5's holes unwritten: its tests run no task.
Handout = handout_tests(LAB, "LAB 5: userland/apppager/global_pages.cc: apppager::map_global_page() is not written yet")


class OffSwitch(unittest.TestCase):
    def test_placement_master_puts_every_page_on_the_master_node(self):
        with tempfile.TemporaryDirectory() as parent:
            kernel, modules = build_reference_programs(pathlib.Path(parent, "build"),
                                                       "sigma0 rootpager apppager numaprobe")
            tests = "l4.numa.first_touch,l4.numa.one_frame_shared,l4.numa.code_promotion"
            run = subprocess.run(GRADE + ["run", "--kernel", kernel, *modules, "--topo", "2x2",
                                          "--kargs", "pool=8 placement=master", "--kargs", "pool=8",
                                          "--tests", tests, "--json"],
                                 cwd=ROOT, capture_output=True, text=True, timeout=900)
            runs = {tuple(result["kargs"]): result for result in json.loads(run.stdout)["runs"]}
            self.assertEqual(sorted(runs), [("pool=8",), ("pool=8", "placement=master")])
            self.assertTrue(runs[("pool=8",)]["passed"], why_failed(runs[("pool=8",)]))
            off = runs[("pool=8", "placement=master")]
            self.assertFalse(off["passed"], "with placement=master the pages were still first-touch")
            states = {name: result["state"] for name, result in off["test_results"].items()}
            self.assertEqual(states["l4.numa.first_touch"], "fail", off["test_results"])
            self.assertEqual(states["l4.numa.code_promotion"], "fail", off["test_results"])
            self.assertEqual(states["l4.numa.one_frame_shared"], "pass", off["test_results"])


if __name__ == "__main__":
    unittest.main()
