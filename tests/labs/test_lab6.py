"""The kit's checks of Lab 6 itself (instructor-only: make handout leaves tests/labs/ out).

Like test_lab5.py, this proves Lab 6's grader both ways, on the real kernel and the
real NUMA OS (Lab 6's files are the global unmap: the originator's fan-out and the
unmap worker's side):
  - mutants, small deliberate bugs in the reference solution, each graded as a
    submission on top of the reference of Labs 1 to 5 (--sol 1-5), make the tests
    named for them FAIL, and every test in stage.toml is one a mutant makes FAIL; the
    unchanged reference, graded the same way, passes every visible test on every
    visible preset. The stage boots slowly (unmap_concurrent: 2000 unmaps), so each
    mutant is graded on the tests named for it only (grade.py --only), with a shorter
    hang limit; a mutant whose pagers wait for each other must come out as a hang or a
    failure, never as a pass;
  - the handout, given the solutions of Labs 1 to 5 as a student would be, fails
    Lab 6 with the user-level panic that names the first missing function, and still
    passes Lab 5 (whose tests never unmap);
  - forged result lines printed from Lab 6's code earn nothing;
  - the off switch is the base OS (one space per task, no pagers to ask): the same
    program's unmap costs fewer guest instructions there than on the NUMA OS, where it
    reaches the pagers of two nodes (thesis Figure 5.17).
"""

import pathlib
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from lab_grading import (ROOT, LabUnderTest, apply_edits, build_reference_programs,  # noqa: E402
                         handout_tests, mutant_tests)
from nonce_thief import PAGER_SEARCH, find_nonce  # noqa: E402

LAB = LabUnderTest(6)
LAB.first_presets = ("2x2", "asym3")   # mutants are graded here first, then on the other visible presets
ORIGINATOR = "userland/apppager/global_unmap.cc"
WORKER = "userland/apppager/unmap_worker.cc"

# (name, file, [(text in the reference solution, replacement)], what it breaks, the
# tests that must report FAIL on at least one visible preset).
MUTANTS = [
    ("no_wait", ORIGINATOR,
     [("            } else if (!ask_worker(cpu, batch, n)) {\n",
       "            } else if (true) {\n"
       "                for (unsigned i = 0; i < n; ++i) l4::set_mr(1 + i, batch[i].raw());\n"
       "                l4::set_mr(0, api::MsgTag::make(numa::pager_proto::kUnmapLabel, n, 0).raw());\n"
       "                (void)l4::send(system().pagers[cpu].unmap_worker);\n"
       "                continue;\n"
       "            } else if (!ask_worker(cpu, batch, n)) {\n"),
      ('#include "l4/lab.h"\n', '#include "l4/lab.h"\n#include "l4/ipc.h"\n#include "l4/utcb.h"\n')],
     "the requests go out, but the originator does not wait for the answers: their status bits are lost, "
     "and the frames go back to the pools while other nodes may still map them",
     ("l4.numa.unmap_status",)),
    ("worker_is_fault_thread", ORIGINATOR,
     [("            } else if (!ask_worker(cpu, batch, n)) {\n",
       "            } else if (Word words[kMaxUnmapFpages]; true) {\n"
       "                for (unsigned i = 0; i < n; ++i) words[i] = batch[i].raw();\n"
       "                auto answer = l4::rpc::call_words(system().pagers[cpu].pager,\n"
       "                                                  numa::pager_proto::kUnmapLabel, words, n, words, n);\n"
       "                if (!answer.ok()) continue;\n"
       "                for (unsigned i = 0; i < n; ++i) batch[i] = api::Fpage::from_raw(words[i]);\n"
       "            } else if (!ask_worker(cpu, batch, n)) {\n"),
      ('#include "l4/lab.h"\n', '#include "l4/lab.h"\n#include "l4/rpc.h"\n')],
     "the requests go to the other pagers' own threads, which serve page faults, not to their unmap workers: "
     "they do not serve unmaps (and on unmap_concurrent two pagers wait for each other: DeadlockIsNoPass)",
     ("l4.numa.unmap_everywhere",)),
    ("dirty_not_merged", ORIGINATOR,
     [("            for (unsigned i = 0; i < n; ++i) status[first + i] = status[first + i] | batch[i].rights();\n",
       "            if (cpu == g_self.cpu)\n"
       "                for (unsigned i = 0; i < n; ++i) status[first + i] = batch[i].rights();\n")],
     "only this pager's own status bits are kept: what threads on other nodes read and wrote is lost",
     ("l4.numa.unmap_status",)),
    ("batch_of_64", ORIGINATOR,
     [("        for (unsigned first = 0; first < count; first += kMaxUnmapFpages) {\n"
       "            unsigned n = count - first < kMaxUnmapFpages ? count - first : kMaxUnmapFpages;\n"
       "            api::Fpage batch[kMaxUnmapFpages];\n",
       "        for (unsigned first = 0; first < count; first += 64) {\n"
       "            unsigned n = count - first < 64 ? count - first : 64;\n"
       "            api::Fpage batch[64];\n")],
     "64 fpages per request: with the tag that is one word more than the message registers hold",
     ("l4.numa.unmap_everywhere",)),
    ("caller_not_checked", WORKER,
     [("    if (system().pager_by_thread(from) == nullptr) {\n", "    if (from.is_nil()) {\n")],
     "the unmap worker serves anybody, not only application pagers",
     ("l4.numa.unmap_refused",)),
    ("fpages_not_checked", WORKER,
     [("        if (!is_unmap_fpage(fpages[i])) return false;\n", "")],
     "the unmap worker unmaps whatever fpages a pager sends, malformed or not",
     ("l4.numa.unmap_refused",)),
    ("frame_not_freed", ORIGINATOR,
     [("        if (gone) free_frame(task, fpages[j].base());\n", "")],
     "an unmapped page's frame never goes back to its pool",
     ("l4.numa.unmap_concurrent",)),
    ("read_only_unmaps", ORIGINATOR,
     [("gone ? api::Rights::Full : api::Rights::Write", "api::Rights::Full")],
     "ReadOnly takes the whole page away instead of its write right",
     ("l4.numa.unmap_read_only",)),
    ("status_swapped", ORIGINATOR,
     [("        if (api::any(found[j] & api::Rights::Read)) os::set_page_bit(status.referenced, page_of[j]);\n"
       "        if (api::any(found[j] & api::Rights::Write)) os::set_page_bit(status.dirty, page_of[j]);\n",
       "        if (api::any(found[j] & api::Rights::Write)) os::set_page_bit(status.referenced, page_of[j]);\n"
       "        if (api::any(found[j] & api::Rights::Read)) os::set_page_bit(status.dirty, page_of[j]);\n")],
     "the kernel's status bits read the wrong way round: a page only read comes back dirty",
     ("l4.numa.unmap_status", "l4.numa.unmap_ostest")),
]


# Each mutant is graded on its tests alone; a hang is told from a pass after 45 s
# without output (unmap_concurrent prints every 100 unmaps of each thread).
Mutants = mutant_tests(LAB, MUTANTS, "1-5", only=True, extra=("--hang-seconds", "45"))


class DeadlockIsNoPass(unittest.TestCase):
    """The worker_is_fault_thread mutant on unmap_concurrent alone (on the first presets
    only: each boot waits out the hang limit): while one pager waits for the master lock,
    the other asks that pager's own thread and waits for it. The grader must report a
    hang (no output for the hang limit), never a pass."""

    def test_pagers_waiting_for_each_other_are_a_hang_or_a_failure(self):
        name, file, edits, why, _ = next(m for m in MUTANTS if m[0] == "worker_is_fault_thread")
        with tempfile.TemporaryDirectory() as submission:
            LAB.submission(submission, LAB.solution)
            apply_edits(submission, name, file, edits)
            status, report, stdout = LAB.grade("--submission", submission, "--sol", "1-5",
                                               "--only", "l4.numa.unmap_concurrent", "--hang-seconds", "30",
                                               "--only-presets", ",".join(LAB.first_presets))
            self.assertNotEqual(status, 0, stdout[-3000:])
            marks = LAB.visible_marks(report)["l4.numa.unmap_concurrent"]
            self.assertTrue(all(mark != "ok" for mark, _ in marks.values()), marks)
            self.assertTrue(any(why.startswith("hang") for _, why in marks.values()), marks)


# Lab code that looks for the run's nonce everywhere an application pager can read
# besides its own image (every module and every node's pool), and prints result lines
# with whatever it found through lab_printf and lab_missing's message. It runs in place
# of global_unmap, the first Lab 6 function an os::unmap reaches.
NONCE_THIEF = PAGER_SEARCH + find_nonce("places[place][0]", "places[place][1]") + r'''
        if (nonce[0] != 'n') {
            l4::lab_printf("stolen from %x", places[place][0]);
            found = nonce;
            break;
        }
    }
    l4::lab_printf("stolen\nKTEST %s l4.numa.unmap_everywhere START\nKTEST %s l4.numa.unmap_everywhere PASS", found,
                   found);
    l4::lab_missing(6, "stolen\nKTEST - l4.numa.unmap_everywhere PASS\n", found);
'''


class Forgery(unittest.TestCase):
    def test_forged_lines_from_a_pager_earn_nothing(self):
        hole = '    l4::lab_missing(6, "userland/apppager/global_unmap.cc", "apppager::global_unmap");\n'
        runs, lines = LAB.grade_thief(self, ORIGINATOR, hole, NONCE_THIEF,
                                      ("l4/string.h", "numa/pool.h", "numa/layout.h", "pager.h"), "1-5")
        self.assertTrue(any(line.startswith("lab| stolen\\n\\x4bTEST not-found") for line in lines),
                        "the thief's lines are not there, or it found a nonce:\n" + "\n".join(lines))
        self.assertFalse(any(line.startswith("lab| stolen from") for line in lines), "\n".join(lines))


# Lab 5 passes with Lab 6's holes unwritten: its tests never unmap.
Handout = handout_tests(LAB, "LAB 6: userland/apppager/global_unmap.cc: apppager::global_unmap() is not written yet")


class OffSwitch(unittest.TestCase):
    """The base OS is the NUMA OS with the feature off: one space per task, so an unmap
    is one system call in the OS's own space. unmapbench (thesis 5.4.2) counts the guest
    instructions of one page's unmap, with a thread on each node, on both OSes, under
    QEMU's -icount (exact and repeatable: docs/benchmarks.md)."""

    @staticmethod
    def unmap_cost(kernel, modules, kargs):
        topologies = (ROOT / "config" / "topologies.conf").read_text()
        machine = re.search(r"^2x2\s*=\s*(.*)$", topologies, re.M).group(1).split()
        files = [m for m in modules if m != "--module"]
        initrd = ",".join(f + " rounds=10 pages=1" if f.endswith("unmapbench.elf") else f for f in files)
        run = subprocess.run(["qemu-system-i386", "-icount", "shift=0", "-kernel", kernel, "-append", "exit " + kargs,
                              "-initrd", initrd, *machine, "-no-reboot", "-display", "none", "-monitor", "none",
                              "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-serial", "stdio"],
                             cwd=ROOT, capture_output=True, text=True, timeout=600)
        found = re.search(r"UNMAPBENCH pages=1 nodes=2 rounds=10 cycles_median=(\d+) .*ok=1", run.stdout)
        return int(found.group(1)) if found else None, run.stdout[-3000:]

    def test_the_numa_os_pays_for_asking_the_other_node(self):
        with tempfile.TemporaryDirectory() as parent:
            build = pathlib.Path(parent, "build")
            kernel, numa_modules = build_reference_programs(build, "sigma0 rootpager apppager unmapbench")
            _, base_modules = build_reference_programs(build, "sigma0 baseos unmapbench")
            numa, numa_log = self.unmap_cost(kernel, numa_modules, "pool=8")
            base, base_log = self.unmap_cost(kernel, base_modules, "")
            self.assertIsNotNone(numa, numa_log)
            self.assertIsNotNone(base, base_log)
            self.assertGreater(numa, base, f"one page's unmap: NUMA OS {numa}, base OS {base} instructions")


if __name__ == "__main__":
    unittest.main()
