"""The kit's checks of Lab 4 itself (instructor-only: make handout leaves tests/labs/ out).

Like test_lab3.py, this proves Lab 4's grader both ways, on the real kernel and the
real NUMA OS (Lab 4 is the first user-level lab: its files are the root pager's):
  - mutants, small deliberate bugs in the reference solution, each graded as a
    submission on top of the reference of Labs 1 to 3 (--sol 1-3), make the tests
    named for them FAIL and so lose points, and every test in stage.toml is one a
    mutant makes FAIL; the unchanged reference, graded the same way, passes every
    visible test on every visible preset;
  - the handout, given the solutions of Labs 1 to 3 as a student would be, fails
    Lab 4 with the user-level panic that names the first missing function, and
    still passes Lab 3;
  - forged result lines (the nonce found in the root pager's memory, printed from
    Lab 4's code) earn nothing;
  - the off switch: with pools=one every pager uses one pool, so the NUMA tests
    fail on 2x2 and pass without the option.
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
from nonce_thief import find_nonce  # noqa: E402

LAB = LabUnderTest(4)
LAB.first_presets = ("2x2", "memless3")   # mutants are graded here first, then on the other visible presets
POOLS = "userland/rootpager/pools.cc"
IMAGE = "userland/rootpager/pager_image.cc"
PAGERS = "userland/rootpager/pagers.cc"

# (name, file, [(text in the reference solution, replacement)], what it breaks, the
# tests that must report FAIL on at least one visible preset).
MUTANTS = [
    ("pools_from_node0", POOLS,
     [("l4::sigma0::request_on_node(node, log2, window)", "l4::sigma0::request_on_node(0, log2, window)")],
     "every node's pool is taken from node 0's memory",
     ("l4.numa.pools_on_their_nodes", "l4.numa.pager_code_local")),
    ("nearest_is_first", POOLS,
     [("        if (distance < best_distance) {\n", "        if (best_distance == ~0u && distance != 0) {\n")],
     "a memoryless node takes the first pool there is, not the nearest",
     ("l4.numa.memoryless_nearest", "l4.numa.pager_code_local")),
    ("one_image_copy", IMAGE,
     [("        g_copies[node][i] = frame;\n", "        g_copies[node][i] = node == 0 ? frame : g_copies[0][i];\n")],
     "every node runs node 0's copy of the pager's code",
     ("l4.numa.pager_code_local",)),
    ("pager_on_master_cpu", PAGERS,
     [("    const char* step = nullptr;\n    if (id.is_nil())\n",
       "    const char* step = nullptr;\n    (void)l4::set_processor(me, 0);\n    if (id.is_nil())\n"),
      ("    record.pager = id;\n",
       "    (void)l4::set_processor(id, record.cpu);\n    (void)l4::set_processor(me, record.cpu);\n"
       "    record.pager = id;\n")],
     "the pager's space is made on CPU 0 and the pager moved to its CPU afterwards",
     ("l4.numa.pager_home_nodes",)),
    ("faults_from_node0", PAGERS,
     [("image_frame(record.pool_node, page, &writable)", "image_frame(0, page, &writable)"),
      ("numa::Pool::of_node(record.pool_node).allocate()", "numa::Pool::of_node(0).allocate()")],
     "the pagers' faults are answered from node 0's memory",
     ("l4.numa.pager_code_local",)),
]


# l4.numa.one_pager_per_cpu, no_late_pager_faults and sigma0_refuses_again guard what
# the given code does around the student's (a pager that does not start, a pager region
# missed at start, a root pager that asks twice): they are proved by the planted faults
# below, not by a mutant of the lab files.
Mutants = mutant_tests(LAB, MUTANTS, "1-3", given={"l4.numa.one_pager_per_cpu", "l4.numa.no_late_pager_faults",
                                                   "l4.numa.sigma0_refuses_again"})


# Lab code that finds the run's nonce in the root pager's memory (the kernel command
# line the root pager read into its .bss: the image's first 256 KiB) and prints results
# with it, through the
# only channels Lab 4's fence leaves: lab_printf and lab_missing's message. It runs in
# place of take_node_memory, the first function the root pager calls.
NONCE_THIEF = find_nonce("0x00400000", "0x40000") + r'''
    (void)node;
    (void)bytes;
    (void)chunks;
    (void)chunk_count;
    l4::lab_printf("stolen\nKTEST %s l4.numa.pools_on_their_nodes START\n"
                   "KTEST %s l4.numa.pools_on_their_nodes PASS", nonce, nonce);
    l4::lab_missing(4, "stolen\nKTEST - l4.numa.pools_on_their_nodes PASS\n", nonce);
'''


class Forgery(unittest.TestCase):
    def test_a_stolen_nonce_earns_nothing(self):
        hole = '    l4::lab_missing(4, "userland/rootpager/pools.cc", "rootpager::take_node_memory");\n'
        runs, lines = LAB.grade_thief(self, POOLS, hole, NONCE_THIEF, ("l4/string.h",), "1-3")
        # Found and printed, but escaped: the K of KTEST comes out as \x4b.
        self.assertTrue(any(line.startswith("lab| stolen\\n\\x4bTEST ") and "not-found" not in line
                            for line in lines),
                        "the thief did not find the nonce, so this check proves nothing:\n" + "\n".join(lines))


Handout = handout_tests(LAB, "LAB 4: userland/rootpager/pools.cc: rootpager::take_node_memory() is not written yet")


class OffSwitch(unittest.TestCase):
    def test_pools_one_puts_every_pager_on_one_pool(self):
        with tempfile.TemporaryDirectory() as parent:
            kernel, modules = build_reference_programs(pathlib.Path(parent, "build"),
                                                       "sigma0 rootpager apppager ostest")
            run = subprocess.run(GRADE + ["run", "--kernel", kernel, *modules, "--topo", "2x2", "--kargs", "pools=one",
                                          "--kargs", "", "--tests", "l4.numa.pools_on_their_nodes,l4.numa.pager_code_local",
                                          "--json"],
                                 cwd=ROOT, capture_output=True, text=True, timeout=900)
            runs = {tuple(result["kargs"]): result for result in json.loads(run.stdout)["runs"]}
            self.assertEqual(sorted(runs), [(), ("pools=one",)])
            self.assertTrue(runs[()]["passed"], why_failed(runs[()]))
            off = runs[("pools=one",)]
            self.assertFalse(off["passed"], "with pools=one the pagers still had node-local pools")
            self.assertIn("node 1 has memory but no pool", off["reason"])


if __name__ == "__main__":
    unittest.main()
