"""The numaprof plugin's counts, checked on a guest whose accesses are known.

The kernel's numaprof.known_pattern self-test (kernel/test/test_numaprof.cc)
runs on CPU 0 with interrupts off: between the markers of phase 1 it makes N
32-bit loads from a frame on another node, between those of phase 2 N loads
from a frame on its own node, and names N, the nodes and the frames in an
EVIDENCE line. Booted with the plugin (tools/numaprof/numaprof.c, its -plugin
option from grader/proxima_grader/numaprof.py), CPU 0's phase rows must read:

  phase 1: remote == N exactly; local <= SLACK
  phase 2: remote == 0;         N <= local <= N + SLACK

SLACK covers the accesses between a phase's markers that are not the N loads:
the call into the loop and the loop's own stack traffic (today 6: the return
address, two saved registers, each stored and loaded back). They go to CPU 0's
stack, on its own node, so they are local; nothing else may be remote. On a
machine without a second node with memory, phase 1 is skipped.

Also checks that the per-CPU rows add up to the per-node and total rows, and
that every node with memory served some of the boot's accesses (the kernel
touches each node's pool): with address ranges that do not match what QEMU
reports (grader/proxima_grader/numaprof.py explains them), a node's accesses land on no node or
on the wrong one. Builds nothing: it needs the kernel
($PROXIMA_KERNEL, else build/release/kernel.elf) and the plugin
($PROXIMA_NUMAPROF, else build/numaprof/numaprof.so; make profile-plugin).
"""

import os
import pathlib
import sys
import tempfile
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "grader"))

from proxima_grader import Limits, QemuSetup, RunSpec, Verdict, load_presets, run_one  # noqa: E402
from proxima_grader.numaprof import numaprof_rows, plugin_arguments  # noqa: E402
from proxima_grader.qemu import default_qemu  # noqa: E402

KERNEL = os.environ.get("PROXIMA_KERNEL", str(ROOT / "build" / "release" / "kernel.elf"))
PLUGIN = os.environ.get("PROXIMA_NUMAPROF", str(ROOT / "build" / "numaprof" / "numaprof.so"))
TEST = "numaprof.known_pattern"
SLACK = 64
# Emulation on a loaded 2-core machine: generous.
LIMITS = Limits(hang_seconds=300.0, timeout_seconds=900.0)

def find(rows, **keys):
    return [row for row in rows if all(row.get(k) == v for k, v in keys.items())]


class KnownPattern(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for what, path in (("kernel", KERNEL), ("plugin", PLUGIN)):
            if not pathlib.Path(path).is_file():
                raise FileNotFoundError(f"no {what} at {path}: run make kernel profile-plugin")
        cls.presets = load_presets()

    def boot(self, preset_name, *extra):
        """(evidence dict, NUMAPROF rows) of one boot of the test under the plugin, with
        `extra` plugin arguments."""
        preset = self.presets.get(preset_name)
        with tempfile.TemporaryDirectory() as tmp:
            report = pathlib.Path(tmp) / "numaprof.txt"
            option = ",".join([PLUGIN, *plugin_arguments(list(preset.options)), *extra, f"out={report}"])
            setup = QemuSetup(qemu=(*default_qemu(), "-plugin", option), kernel=KERNEL)
            result = run_one(RunSpec(preset, tests=(TEST,), limits=LIMITS), setup)
            self.assertIs(result.outcome.verdict, Verdict.PASS, f"{preset_name}: {result.outcome.reason}")
            text = report.read_text() if report.is_file() else ""
        self.assertIn("NUMAPROF params", text, f"{preset_name}: the plugin wrote no report")
        evidence = next(line.text for line in result.lines if f"{TEST} EVIDENCE" in line.text)
        words = dict(word.split("=", 1) for word in evidence.split(" EVIDENCE ", 1)[1].split())
        return words, numaprof_rows(text)

    def phase_row(self, rows, phase, cpu):
        found = [row for row in rows if row.get("phase") == phase and row.get("cpu") == cpu]
        self.assertEqual(len(found), 1, f"phase {phase} cpu {cpu}: {len(found)} rows")
        return found[0]

    def check_pattern(self, preset_name, expect_remote_node):
        evidence, rows = self.boot(preset_name)
        loads, cpu = int(evidence["loads"]), evidence["cpu"]
        self.assertEqual(evidence["remote_node"], expect_remote_node)
        if expect_remote_node != "none":
            header = find(rows, phase=evidence["remote_phase"], open="0")
            self.assertTrue(header and header[0]["intervals"] == "1", f"{preset_name}: phase 1 {header}")
            remote = self.phase_row(rows, evidence["remote_phase"], cpu)
            self.assertEqual(int(remote["remote"]), loads, f"{preset_name}: {remote}")
            self.assertLessEqual(int(remote["local"]), SLACK, f"{preset_name}: {remote}")
            by_node = [int(n) for n in remote["bynode"].split(":")]
            self.assertEqual(by_node[int(expect_remote_node)], loads, f"{preset_name}: {remote}")
        local = self.phase_row(rows, evidence["local_phase"], cpu)
        self.assertEqual(int(local["remote"]), 0, f"{preset_name}: {local}")
        self.assertGreaterEqual(int(local["local"]), loads, f"{preset_name}: {local}")
        self.assertLessEqual(int(local["local"]), loads + SLACK, f"{preset_name}: {local}")
        self.check_whole_run(preset_name, rows, self.presets.get(preset_name))

    def check_whole_run(self, preset_name, rows, preset):
        run = [row for row in rows if "phase" not in row]
        cpus = [row for row in run if "cpu" in row]
        nodes = [row for row in run if "node" in row and "cpu" not in row]
        total = find(run, total=True)[0]
        for key in ("insns", "local", "remote", "io", "nonode"):
            self.assertEqual(sum(int(r[key]) for r in cpus), int(total[key]), f"{preset_name}: cpus' {key}")
            self.assertEqual(sum(int(r[key]) for r in nodes), int(total[key]), f"{preset_name}: nodes' {key}")
        served = [int(n) for n in total["bynode"].split(":")]
        owners = [int(arg[3:arg.index("=")]) for arg in plugin_arguments(list(preset.options))
                  if arg.startswith("mem")]
        for node in owners:
            self.assertGreater(served[node], 0, f"{preset_name}: node {node} served nothing: {total}")
        for cpu in cpus:  # a CPU on a node without memory has nothing local
            if int(cpu["node"]) not in owners:
                self.assertEqual(int(cpu["local"]), 0, f"{preset_name}: {cpu}")

    def test_two_nodes(self):
        self.check_pattern("2x2", "1")

    def test_eight_nodes(self):
        self.check_pattern("n8", "1")

    def test_unequal_nodes(self):
        self.check_pattern("asym", "1")

    def test_node_without_cpus(self):
        self.check_pattern("cpuless", "1")

    def test_node_without_memory(self):
        self.check_pattern("memless", "none")

    def test_one_node(self):
        self.check_pattern("uma", "none")

    def test_cache_model(self):
        """cache=32: the frame's 64 lines fit, so at most 64 of the N remote loads miss
        (none if filling the frame left them cached) and the rest are hits."""
        evidence, rows = self.boot("2x2", "cache=32")
        loads, cpu = int(evidence["loads"]), evidence["cpu"]
        remote = self.phase_row(rows, evidence["remote_phase"], cpu)
        lines = 4096 // 64
        self.assertLessEqual(int(remote["remote"]), lines, remote)
        self.assertGreaterEqual(int(remote["cached"]), loads - lines, remote)
        self.assertLessEqual(int(remote["local"]), SLACK, remote)
        self.assertIn("cache_kb=32", [f"cache_kb={row['cache_kb']}" for row in rows if "params" in row])


if __name__ == "__main__":
    unittest.main()
