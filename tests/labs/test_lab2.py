"""The kit's checks of Lab 2 itself (instructor-only: make handout leaves tests/labs/ out).

Like test_lab1.py, this proves Lab 2's grader both ways on the real kernel:
  - mutants, small deliberate bugs in the reference solution, each graded as
    a submission on top of Lab 1's reference (--sol 1), make the tests named
    for them FAIL and so lose points, and every test in stage.toml is one a
    mutant makes FAIL; the unchanged reference, graded the same way, passes
    every visible test on every visible preset, so what a mutant loses is its
    own doing;
  - the handout, given Lab 1's reference as a student would be, fails Lab 2
    with the panic that names the first missing function, and still passes
    Lab 1 (Lab 1's stage boots with replicate=off, which never reaches Lab 2's
    code);
  - forged result lines (a stolen nonce, printed from Lab 2's code) earn nothing;
  - the off switch: with replicate=off the reference keeps one copy of the
    code and lab2.code_replica still passes, and the code_nodes evidence check
    tells that run from a replicating one.
The reference solution's full marks in the kit itself are checked by
`make lab-tests` (make grade SOL=all).
"""

import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from lab_grading import build_reference_kernel, make_grade_in, make_handout, why_failed  # noqa: E402
from nonce_thief import FIND_NONCE, assert_thief_earned_nothing_but_was_seen  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "grader"))
from proxima_grader import evidence  # noqa: E402
from proxima_grader.presets import load_presets  # noqa: E402

GRADE = [sys.executable, str(ROOT / "grader" / "grade.py")]
LAB = ROOT / "labs" / "lab2-address-spaces"
SOLUTION = ROOT / "solutions" / "lab2"
LAB1_SOLUTION = ROOT / "solutions" / "lab1"
MANIFEST = [line.split("#")[0].strip() for line in (LAB / "manifest").read_text().splitlines()]
MANIFEST = [path for path in MANIFEST if path]
STAGE = tomllib.loads((LAB / "stage.toml").read_text())
VISIBLE_PRESETS = STAGE["presets"]                       # the hidden ones (n8) come from grader/hidden
VISIBLE_TESTS = [test["name"] for test in STAGE["tests"]]
# Where a mutant is graded first (only the visible machines are graded, in two
# passes: these, then the rest if the mutant was not caught yet).
FIRST_PRESETS = ("2x2", "asym3")
MUTANT_PASSES = [FIRST_PRESETS, tuple(p for p in VISIBLE_PRESETS if p not in FIRST_PRESETS)]

# (name, file, text in the reference solution, replacement, what it breaks,
#  what must catch it). What catches a mutant is the tests that must FAIL
# (the test itself reports the failure) on at least one visible preset, or,
# for a mutant the compiler refuses, a piece of the build's error message.
MUTANTS = [
    ("eager", "kernel/mm/space_cpu_dirs.cc",
     "    if (m_cpu_directories[cpu] != nullptr) return m_directory_phys[cpu];\n",
     "    for (unsigned other = 0; other < platform::machine_topology().num_cpus; ++other) {\n"
     "        if (m_cpu_directories[other] != nullptr) continue;\n"
     "        unsigned node = platform::machine_topology().cpus[other].node;\n"
     "        uint32_t* copy = static_cast<uint32_t*>(kmem::alloc(kPage, node));\n"
     "        if (copy == nullptr) continue;\n"
     "        memcpy(copy, m_directory, ia32::pte::kKernelFirstPde * sizeof(uint32_t));\n"
     "        copy_kernel_part(copy, other);\n"
     "        m_cpu_directories[other] = copy;\n"
     "        __atomic_store_n(&m_directory_phys[other], uint32_t(kmem::virt_to_phys(copy)), __ATOMIC_RELEASE);\n"
     "    }\n"
     "    if (m_cpu_directories[cpu] != nullptr) return m_directory_phys[cpu];\n",
     "the first switch makes a directory for every CPU, not just for its own",
     ("lab2.lazy_footprint", "lab2.directory_on_cpu_node")),
    ("home_node_directory", "kernel/mm/space_cpu_dirs.cc",
     "kmem::alloc(kPage, platform::machine_topology().cpus[cpu].node)",
     "kmem::alloc(kPage, home_node())",
     "each CPU's directory lies on the space's home node, not on the CPU's",
     ("lab2.directory_on_cpu_node",)),
    ("master_only", "kernel/mm/space_cpu_dirs.cc",
     "    for (uint32_t* directory : m_cpu_directories)\n        if (directory != nullptr) directory[index] = pde;\n",
     "",
     "a new page table is entered into the master directory only",
     ("lab2.new_table_everywhere", "lab2.all_cpus_at_once")),
    ("code_from_image_everywhere", "kernel/mm/code_replica.cc",
     "void replicate_kernel_code() {\n",
     "void replicate_kernel_code() {\n    return;\n",
     "no node gets a copy of the code: every CPU runs the image's",
     ("lab2.code_replica",)),
    ("boot_kernel_part", "kernel/mm/code_replica.cc",
     "void copy_kernel_part(uint32_t* directory, unsigned cpu) {\n",
     "void copy_kernel_part(uint32_t* directory, unsigned cpu) {\n"
     "    arch::copy_kernel_mappings(directory);\n"
     "    return;\n",
     "a space's directories take the boot directory's kernel part, not their node's",
     ("lab2.directory_on_cpu_node",)),
    ("tables_on_cpu_node", "kernel/mm/space_cpu_dirs.cc",
     "kmem::alloc(kTableBlock, home_node())",
     "kmem::alloc(kTableBlock, platform::machine_topology().cpus[arch::cpu_index()].node)",
     "page tables lie on the node of the CPU that adds them, not on the home node",
     ("lab2.tables_on_home_node",)),
    ("mapping_node_on_node0", "kernel/mm/mapping_tree.cc",
     "m_allocator.node_alloc(sizeof(MappingNode), space->home_node())",
     "m_allocator.node_alloc(sizeof(MappingNode), 0)",
     "every mapping node lies on node 0",
     ("lab2.tables_on_home_node",)),
    ("lock_first", "kernel/mm/space_cpu_dirs.cc",
     "    uint32_t phys = __atomic_load_n(&m_directory_phys[cpu], __ATOMIC_ACQUIRE);\n"
     "    if (phys != 0) return phys;\n"
     "    SpinLockGuard guard(m_lock);\n",
     "    SpinLockGuard guard(m_lock);\n"
     "    uint32_t phys = __atomic_load_n(&m_directory_phys[cpu], __ATOMIC_ACQUIRE);\n"
     "    if (phys != 0) return phys;\n",
     "every switch takes the space's lock, even when the CPU has its directory",
     ("lab2.switch_without_lock",)),
    ("unmarked_cpu", "kernel/mm/space_cpu_dirs.cc",
     "    __atomic_fetch_or(&m_cpus_used[cpu / 32], uint32_t(1) << (cpu % 32), __ATOMIC_ACQ_REL);\n",
     "",
     "a CPU that ran the space is not in m_cpus_used, so shootdowns miss it",
     ("lab2.all_cpus_at_once",)),
    ("uncounted_node", "kernel/mm/mapping_tree.cc",
     "    ++m_node_count;\n",
     "",
     "a new mapping node is not counted (and the count drops when it is freed)",
     ("lab2.space_mappings",)),
    ("no_free", "kernel/mm/space_cpu_dirs.cc",
     "        kmem::free(m_cpu_directories[cpu], kPage);\n",
     "",
     "destroy forgets the CPUs' directories without freeing them",
     ("lab2.lazy_footprint", "lab2.new_table_everywhere", "lab2.all_cpus_at_once")),
    # The race lab2.all_cpus_at_once looks for, but clang's thread safety
    # analysis (m_directory and m_cpu_directories are GUARDED_BY(m_lock))
    # refuses it first, every time: the kernel does not build.
    ("missing_lock", "kernel/mm/space_cpu_dirs.cc",
     "    SpinLockGuard guard(m_lock);\n",
     "",
     "directory_for copies the master and publishes the copy without the lock",
     ("requires holding spin lock 'm_lock'",)),
]


def grade(*args):
    """Runs grade.py lab for Lab 2 and returns (exit status, its JSON report, its text)."""
    with tempfile.TemporaryDirectory() as out:
        report = pathlib.Path(out) / "report.json"
        run = subprocess.run(GRADE + ["lab", "--lab", "2", "--json", str(report), *args],
                             cwd=ROOT, capture_output=True, text=True, timeout=1800)
        if not report.exists():
            raise AssertionError(f"grade.py wrote no report:\n{run.stdout}\n{run.stderr}")
        return run.returncode, json.loads(report.read_text()), run.stdout


def stage_points(report):
    stage = report["stages"][0]
    return stage["score"], stage["max_score"]


def visible_marks(report):
    """{test: {preset: (mark, why)}} of the visible tests on the visible presets."""
    return {test["name"]: {preset: (mark["mark"], mark["why"]) for preset, mark in test["presets"].items()
                           if preset in VISIBLE_PRESETS}
            for test in report["stages"][0]["tests"] if test["name"] in VISIBLE_TESTS}


def not_ok(report):
    """One line per visible test that is not ok somewhere: where, and the first reason."""
    lines = []
    for name, marks in visible_marks(report).items():
        bad = {preset: why for preset, (mark, why) in marks.items() if mark != "ok"}
        if bad:
            lines.append(f"{name}: {', '.join(bad)} ({next(iter(bad.values()))})")
    return "\n".join(lines) or "(none)"


def lab2_submission(directory, source):
    """Fills `directory` with Lab 2's manifest files from `source` (a tree)."""
    for file in MANIFEST:
        target = pathlib.Path(directory, file)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source / file, target)


class Mutants(unittest.TestCase):
    def test_every_stage_test_can_fail(self):
        caught = {test for *_, caught_by in MUTANTS for test in caught_by}
        self.assertEqual([test for test in VISIBLE_TESTS if test not in caught], [],
                         "no mutant makes these tests of stage.toml fail")

    def test_the_reference_passes_when_graded_like_a_mutant(self):
        with tempfile.TemporaryDirectory() as submission:
            lab2_submission(submission, SOLUTION)
            status, report, stdout = grade("--submission", submission, "--sol", "1")
            self.assertTrue(report["build"]["ok"], stdout[-3000:])
            self.assertEqual(not_ok(report), "(none)", stdout[-3000:])

    def test_every_mutant_loses_points(self):
        for name, path, old, new, why, caught_by in MUTANTS:
            with self.subTest(mutant=name, breaks=why), tempfile.TemporaryDirectory() as submission:
                lab2_submission(submission, SOLUTION)
                mutated = pathlib.Path(submission, path)
                text = mutated.read_text()
                self.assertEqual(text.count(old), 1,
                                 f"mutant {name} no longer applies: its text is not in {path} exactly once")
                mutated.write_text(text.replace(old, new, 1))
                # Points lost prove little on their own (a pair that never ran
                # loses them too): the tests named must report the FAIL
                # themselves, on a visible preset.
                tests = [t for t in caught_by if t.startswith("lab2.")]
                missed, lost, seen = list(tests), False, []
                for presets in MUTANT_PASSES:
                    if presets != FIRST_PRESETS:
                        print(f"\nmutant {name}: not caught on {','.join(FIRST_PRESETS)}", file=sys.stderr)
                    status, report, stdout = grade("--submission", submission, "--sol", "1", "--visible-only",
                                                   "--only-presets", ",".join(presets))
                    score, max_score = stage_points(report)
                    lost = lost or (status != 0 and score < max_score)
                    if not tests:
                        break
                    marks = visible_marks(report)
                    missed = [t for t in missed if not any(mark == "fail" and reason.startswith("FAIL")
                                                           for mark, reason in marks.get(t, {}).values())]
                    seen.append(f"on {','.join(presets)}: the tests not ok:\n{not_ok(report)}")
                    if lost and not missed:
                        break
                self.assertTrue(lost, f"mutant {name} ({why}) passed or kept full marks:\n{stdout[-3000:]}")
                if not tests:
                    # The compiler refuses it (score 0), for the reason given.
                    output = "\n".join(report["build"]["output_tail"])
                    self.assertEqual(report["status"], "build failed",
                                     f"mutant {name} ({why}) built; tests not ok:\n{not_ok(report)}")
                    for words in caught_by:
                        self.assertIn(words, output, f"mutant {name} failed to build for another reason")
                    continue
                self.assertEqual(missed, [], f"mutant {name} ({why}): {', '.join(missed)} did not FAIL on any "
                                             f"preset:\n" + "\n".join(seen))


# Lab code that finds the run's nonce in memory (the kernel command line, read
# through the direct map) and prints results for lab2.code_replica with it,
# evidence included, through the only channels Lab 2's fence leaves: lab_printf
# and a panic message. Both come out escaped on one line, so none of it can
# stand as a result. It runs at boot, in place of replicate_kernel_code.
NONCE_THIEF = FIND_NONCE + r'''
    lab_printf("stolen\nKTEST %s lab2.code_replica START\n"
               "KTEST %s lab2.code_replica EVIDENCE cpu=0 node=0 code_frame=0x101000 frame_node=0\n"
               "KTEST %s lab2.code_replica PASS", nonce, nonce, nonce);
    panic("stolen\nKTEST %s lab2.code_replica START\nKTEST %s lab2.code_replica PASS\n", nonce, nonce);
'''


class Forgery(unittest.TestCase):
    def test_a_stolen_nonce_earns_nothing(self):
        with tempfile.TemporaryDirectory() as submission:
            lab2_submission(submission, ROOT)   # the handout's version: its holes unwritten
            replica = pathlib.Path(submission, "kernel/mm/code_replica.cc")
            text = replica.read_text()
            hole = '    lab_missing(2, "kernel/mm/code_replica.cc", "mm::replicate_kernel_code");\n'
            self.assertIn(hole, text)
            text = text.replace('#include "lib/lab.h"\n', '#include "lib/lab.h"\n#include "lib/panic.h"\n', 1)
            replica.write_text(text.replace(hole, NONCE_THIEF, 1))
            status, report, stdout = grade("--submission", submission, "--sol", "1")
            self.assertEqual(report["status"], "failed", stdout[-3000:])   # the fence let it build
            self.assertNotEqual(status, 0)
            self.assertEqual(stage_points(report)[0], 0, stdout[-3000:])
            # It did find the nonce, and what it printed is there, escaped on its own line.
            # The visible runs (the hidden tests boot apart, on the kernel built with them).
            runs = [run for run in report["stages"][0]["runs"]
                    if run["preset"] in VISIBLE_PRESETS and set(run["tests"]) & set(VISIBLE_TESTS)]
            self.assertEqual(sorted(run["preset"] for run in runs), sorted(VISIBLE_PRESETS))
            assert_thief_earned_nothing_but_was_seen(self, runs)


class Handout(unittest.TestCase):
    def test_handout_with_lab1_solved_fails_lab2_and_passes_lab1(self):
        with tempfile.TemporaryDirectory() as parent:
            handout = make_handout(parent)
            for secret in ("solutions", "grader/hidden", "tests/labs"):
                self.assertFalse((handout / secret).exists(), f"the handout contains {secret}")
            self.assertEqual(list(handout.glob("labs/*/INSTRUCTOR.md")), [])
            for file in MANIFEST:
                self.assertIn("LAB 2: your code here", (handout / file).read_text())
            # A student who was given Lab 1's solution.
            shutil.copytree(LAB1_SOLUTION, handout, dirs_exist_ok=True)
            run, report = make_grade_in(handout, 2, parent)
            self.assertNotEqual(run.returncode, 0, "the handout passed Lab 2")
            self.assertEqual(stage_points(report)[0], 0, run.stdout[-3000:])
            self.assertIn("LAB 2: kernel/mm/code_replica.cc: mm::replicate_kernel_code() is not written yet",
                          run.stdout)
            run, report = make_grade_in(handout, 1, parent)
            self.assertEqual(run.returncode, 0, f"Lab 1's solution fails Lab 1 in the handout:\n{run.stdout[-3000:]}")
            score, max_score = stage_points(report)
            self.assertEqual((report["passed"], score), (True, max_score), run.stdout[-3000:])


class OffSwitch(unittest.TestCase):
    def test_replicate_off_keeps_the_image_and_code_replica_passes(self):
        preset = load_presets(ROOT / "config" / "topologies.conf").get("4x1")
        with tempfile.TemporaryDirectory() as parent:
            build, logs = pathlib.Path(parent, "build"), pathlib.Path(parent, "logs")
            kernel = build_reference_kernel(build)
            # The stage's tests, on 4x1, once with replicate=off and once without.
            run = subprocess.run(GRADE + ["run", "--kernel", kernel, "--topo", "4x1", "--kargs", "replicate=off",
                                          "--kargs", "", "--tests", ",".join(VISIBLE_TESTS), "--json",
                                          "--log-dir", str(logs)],
                                 cwd=ROOT, capture_output=True, text=True, timeout=900)
            runs = json.loads(run.stdout)["runs"]
            serial = {}   # kernel options -> that run's serial output
            for result in runs:
                self.assertTrue(result["passed"], why_failed(result))
                log = next(p.read_text() for p in logs.iterdir() if f"nonce={result['nonce']}" in p.read_text())
                serial[tuple(result["kargs"])] = log
            self.assertEqual(sorted(serial), [(), ("replicate=off",)])
            self.assertIn("kernel code: one copy, on the image's node (replicate=off)", serial[("replicate=off",)])
            self.assertIn("kernel code: the frame each cpu runs lies on node 0 1 2 3", serial[()])

            # What lab2.code_replica reported is judged against the option the run had:
            # the image's frames everywhere (what code_from_image_everywhere shows) only
            # under replicate=off, and a copy per node only without it.
            def code_nodes(log):
                return re.findall(r"KTEST \S+ lab2\.code_replica EVIDENCE (.*)$", log, re.M)
            off, on = code_nodes(serial[("replicate=off",)]), code_nodes(serial[()])
            self.assertEqual((len(off), len(on)), (4, 4))
            self.assertIsNone(evidence.check("code_nodes", off, preset, ("replicate=off",)))
            self.assertIsNone(evidence.check("code_nodes", on, preset, ()))
            self.assertIn("not from node 1's memory", evidence.check("code_nodes", off, preset, ()) or "")
            self.assertIn("not from node 0's memory",
                          evidence.check("code_nodes", on, preset, ("replicate=off",)) or "")


if __name__ == "__main__":
    unittest.main()
