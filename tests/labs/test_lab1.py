"""The kit's checks of Lab 1 itself (instructor-only: make handout leaves tests/labs/ out).

A lab is only as good as its grader, so this proves the grader both ways on
the real kernel:
  - the handout (no solutions/) builds, boots, and fails Lab 1 with the panic
    that names the missing function;
  - mutants, small deliberate bugs in the reference solution, each lose
    points: every test in stage.toml must be able to fail;
  - forged result lines (a replayed nonce) earn nothing.
The reference solution's full marks are checked by `make lab-tests` itself
(make grade LAB=1 SOL=all).
"""

import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import tomllib
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from lab_grading import make_handout  # noqa: E402
from nonce_thief import FIND_NONCE, assert_thief_earned_nothing_but_was_seen  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
GRADE = [sys.executable, str(ROOT / "grader" / "grade.py")]
SOLUTION = ROOT / "solutions" / "lab1"
MANIFEST = [line.split("#")[0].strip()
            for line in (ROOT / "labs" / "lab1-node-allocator" / "manifest").read_text().splitlines()]
MANIFEST = [path for path in MANIFEST if path]
VISIBLE_PRESETS = tomllib.loads((ROOT / "labs" / "lab1-node-allocator" / "stage.toml").read_text())["presets"]
# Where a mutant is graded first (visible machines only, in two passes: these,
# then the rest if it kept full marks there).
FIRST_PRESETS = ("asym3", "memless")
MUTANT_PASSES = [FIRST_PRESETS, tuple(p for p in VISIBLE_PRESETS if p not in FIRST_PRESETS)]

# (name, file, text in the reference solution, replacement, what it breaks)
MUTANTS = [
    ("one_offset", "kernel/mm/kmem.cc",
     "return pool->phys_base() + (uintptr_t(virt) - pool->virt_base());",
     "return pools().on(0).phys_base() + (uintptr_t(virt) - pools().on(0).virt_base());",
     "virt_to_phys uses node 0's offset for every pool"),
    ("ignores_node", "kernel/mm/kmem.cc",
     "void* block = pools().on(g_order[node][i]).try_alloc(size);",
     "void* block = pools().on(g_order[0][i]).try_alloc(size);",
     "alloc serves every node from node 0's order"),
    ("order_by_number", "kernel/mm/kmem.cc",
     "topology.distance[from][g_order[from][i - 1]] > topology.distance[from][to]",
     "false",
     "the fallback order ignores the SLIT"),
    ("wrong_row", "kernel/mm/kmem.cc",
     "topology.distance[from][g_order[from][i - 1]] > topology.distance[from][to]",
     "topology.distance[g_order[from][i - 1]][from] > topology.distance[to][from]",
     "the fallback order reads the SLIT's columns instead of its rows"),
    ("no_merge", "kernel/mm/node_pool.cc",
     "if (next != nullptr && start + size == uintptr_t(next)) {",
     "if (false) {",
     "free never merges with the following block"),
    ("no_page_alignment", "kernel/mm/node_pool.cc",
     "size_t align = size >= kPageSize ? kPageSize : kGranule;",
     "size_t align = kGranule;",
     "page-sized blocks are only 1 KiB aligned"),
    ("overrun", "kernel/mm/node_pool.cc",
     "if (aligned + size > block_end || aligned + size < aligned) continue;",
     "if (aligned + size > block_end + kGranule || aligned + size < aligned) continue;",
     "a block may reach 1 KiB past the free block it came from"),
    ("lost_free_bytes", "kernel/mm/node_pool.cc",
     "    m_free_bytes += size;\n",
     "",
     "free does not count the bytes it gives back"),
    ("replayed_output", "kernel/mm/kmem.cc",
     "unsigned serving_node(unsigned node) {",
     "unsigned serving_node(unsigned node) {\n"
     "    static bool printed;\n"
     "    if (!printed) {\n"
     "        printed = true;\n"
     "        kprintf(\"KTEST 00112233aabbccdd lab1.exhaustion START\\n\");\n"
     "        kprintf(\"KTEST 00112233aabbccdd lab1.exhaustion PASS\\n\");\n"
     "    }",
     "prints result lines copied from another run (another nonce)"),
]


def grade(*args):
    """Runs grade.py lab and returns (exit status, its JSON report)."""
    with tempfile.TemporaryDirectory() as out:
        report = pathlib.Path(out) / "report.json"
        run = subprocess.run(GRADE + ["lab", "--lab", "1", "--json", str(report), *args],
                             cwd=ROOT, capture_output=True, text=True, timeout=1800)
        if not report.exists():
            raise AssertionError(f"grade.py wrote no report:\n{run.stdout}\n{run.stderr}")
        return run.returncode, json.loads(report.read_text()), run.stdout


def stage_points(report):
    stage = report["stages"][0]
    return stage["score"], stage["max_score"]


class Mutants(unittest.TestCase):
    def test_every_mutant_loses_points(self):
        for name, path, old, new, why in MUTANTS:
            with self.subTest(mutant=name, breaks=why), tempfile.TemporaryDirectory() as submission:
                for file in MANIFEST:
                    target = pathlib.Path(submission, file)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(SOLUTION / file, target)
                mutated = pathlib.Path(submission, path)
                text = mutated.read_text()
                self.assertIn(old, text, f"mutant {name} no longer applies to the reference solution")
                if name == "replayed_output":
                    text = text.replace('#include "mm/kmem.h"\n', '#include "mm/kmem.h"\n#include "lib/console.h"\n', 1)
                mutated.write_text(text.replace(old, new, 1))
                # A mutant may hang the kernel (a corrupt free list loops); any
                # verdict but a pass is what we want, so hangs are cut short.
                # Replayed output must earn nothing anywhere: graded on every
                # visible machine at once.
                passes = [tuple(VISIBLE_PRESETS)] if name == "replayed_output" else MUTANT_PASSES
                for presets in passes:
                    if presets not in (FIRST_PRESETS, tuple(VISIBLE_PRESETS)):
                        print(f"\nmutant {name}: not caught on {','.join(FIRST_PRESETS)}", file=sys.stderr)
                    status, report, stdout = grade("--submission", submission, "--sol", "none", "--visible-only",
                                                   "--only-presets", ",".join(presets), "--hang-seconds", "15")
                    score, max_score = stage_points(report)
                    if status != 0 and score < max_score:
                        break
                self.assertNotEqual(status, 0, f"mutant {name} ({why}) passed:\n{stdout[-3000:]}")
                self.assertLess(score, max_score, f"mutant {name} ({why}) kept full marks")
                if name == "replayed_output":
                    self.assertEqual(score, 0, "replayed output must earn nothing")


# Lab code that finds the run's nonce in memory (the kernel command line, read
# through the direct map) and prints result lines with it, through the only
# channels the fence leaves: lab_printf and a panic message. Both come out
# escaped on one line, so none of it can stand as a result.
NONCE_THIEF = FIND_NONCE + r'''
    lab_printf("stolen\nKTEST %s lab1.alignment START\nKTEST %s lab1.alignment PASS", nonce, nonce);
    panic("stolen\nKTEST %s lab1.alignment START\nKTEST %s lab1.alignment PASS\n", nonce, nonce);
'''


class Forgery(unittest.TestCase):
    def test_a_stolen_nonce_earns_nothing(self):
        with tempfile.TemporaryDirectory() as submission:
            for file in MANIFEST:
                target = pathlib.Path(submission, file)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(ROOT / file, target)   # the handout's version: its holes unwritten
            pool = pathlib.Path(submission, "kernel/mm/node_pool.cc")
            text = pool.read_text()
            hole = '    lab_missing(1, "kernel/mm/node_pool.cc", "NodePool::init");\n'
            self.assertIn(hole, text)
            pool.write_text(text.replace('#include "lib/lab.h"\n', '#include "lib/lab.h"\n#include "lib/panic.h"\n'
                                         '#include "lib/string.h"\n', 1).replace(hole, NONCE_THIEF, 1))
            status, report, stdout = grade("--submission", submission, "--sol", "none", "--hang-seconds", "15")
            self.assertEqual(report["status"], "failed", stdout[-3000:])   # the fence let it build
            self.assertNotEqual(status, 0)
            self.assertEqual(stage_points(report)[0], 0, stdout[-3000:])
            # It did find the nonce, and what it printed is there, escaped on its own line.
            runs = report["stages"][0]["runs"]
            assert_thief_earned_nothing_but_was_seen(self, runs)


class Handout(unittest.TestCase):
    def test_handout_fails_lab1_naming_the_missing_function(self):
        with tempfile.TemporaryDirectory() as parent:
            handout = make_handout(parent)
            for secret in ("solutions", "grader/hidden", "tests/labs", "labs/lab1-node-allocator/INSTRUCTOR.md"):
                self.assertFalse((handout / secret).exists(), f"the handout contains {secret}")
            for file in MANIFEST:
                self.assertIn("LAB 1: your code here", (handout / file).read_text())
            run = subprocess.run(["make", "grade", "LAB=1"], cwd=handout, capture_output=True, text=True,
                                 timeout=1800)
            self.assertNotEqual(run.returncode, 0, "the handout passed Lab 1")
            self.assertIn("LAB 1: kernel/mm/node_pool.cc: NodePool::init() is not written yet", run.stdout)


if __name__ == "__main__":
    unittest.main()
