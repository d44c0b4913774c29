"""Evidence checks (proxima_grader/evidence.py): the machine's memory as QEMU lays
it out, from the presets, and what a test's EVIDENCE lines must agree with."""

import unittest

import support
from proxima_grader import evidence, protocol
from proxima_grader.serial import Line

M = 1 << 20


def preset(name):
    return next(p for p in support.PRESETS if p.name == name)


class NodeMemory(unittest.TestCase):
    def test_layouts_of_the_presets(self):
        self.assertEqual(evidence.node_memory(preset("uma")), [(0, 128 * M)])
        self.assertEqual(evidence.node_memory(preset("2x2")), [(0, 256 * M), (256 * M, 512 * M)])
        self.assertEqual(evidence.node_memory(preset("asym")), [(0, 384 * M), (384 * M, 512 * M)])
        self.assertEqual(evidence.node_memory(preset("memless")), [(0, 256 * M), None])
        self.assertEqual(evidence.node_memory(preset("big2g")), [(0, 1024 * M), (1024 * M, 2048 * M)])
        self.assertEqual(len(evidence.node_memory(preset("n8"))), 8)


class PoolRanges(unittest.TestCase):
    def check(self, name, lines, kargs=()):
        return evidence.check("pool_ranges", lines, preset(name), kargs)

    def test_pools_inside_their_nodes_agree(self):
        self.assertIsNone(self.check("2x2", ["node=0 pool=0xf800000-0x10000000",
                                             "node=1 pool=0x1f7e0000-0x1ffe0000"]))
        self.assertIsNone(self.check("memless", ["node=0 pool=0xf800000-0x10000000", "node=1 pool=none"]))

    def test_a_pool_on_the_wrong_node_is_caught(self):
        why = self.check("2x2", ["node=0 pool=0x1f7e0000-0x1ffe0000", "node=1 pool=0xf800000-0x10000000"])
        self.assertIn("node 0's pool 0x1f7e0000-0x1ffe0000 is not in its memory", why)

    def test_a_pool_on_a_memoryless_node_is_caught(self):
        why = self.check("memless", ["node=0 pool=0xf800000-0x10000000", "node=1 pool=0x1000-0x2000"])
        self.assertIn("node 1 has no memory", why)

    def test_missing_nodes_repeats_and_silence_are_caught(self):
        self.assertIn("has 2 nodes", self.check("2x2", ["node=0 pool=0xf800000-0x10000000"]))
        self.assertIn("not a range", self.check("uma", ["node=0 pool=0x900000-0x100000"]))
        self.assertIn("once", self.check("2x2", ["node=0 pool=none", "node=0 pool=none"]))
        self.assertIn("no node has a pool", self.check("2x2", ["node=0 pool=none", "node=1 pool=none"]))
        self.assertIn("without printing the evidence", self.check("2x2", []))

    def test_fake_numa_is_not_checked_against_the_firmware(self):
        self.assertIsNone(self.check("uma", ["node=0 pool=none", "node=1 pool=0x1-0x2"], ("numa=fake:2",)))


class CodeNodes(unittest.TestCase):
    """lab2.code_replica's evidence: the frame each CPU's kernel code runs from."""

    def check(self, name, lines, kargs=()):
        return evidence.check("code_nodes", lines, preset(name), kargs)

    def lines(self, frames):
        return [f"cpu={cpu} node={node} code_frame={frame:#x} frame_node={node}" for cpu, (node, frame) in
                enumerate(frames)]

    def test_the_machine_says_where_each_cpu_runs(self):
        self.assertEqual(evidence.cpu_nodes(preset("2x2")), [0, 0, 1, 1])
        self.assertEqual(evidence.cpu_nodes(preset("uma")), [0])
        self.assertEqual(evidence.cpu_nodes(preset("memless")), [0, 0, 1, 1])
        self.assertEqual(evidence.distances(preset("asym3"), 3)[1][0], 30)

    def test_copies_on_each_node_agree(self):
        image, copy = 0x101000, 0x1f7e0000
        self.assertIsNone(self.check("2x2", self.lines([(0, image), (0, image), (1, copy), (1, copy)])))
        # memless: node 1 has no memory, so its CPUs run node 0's (the image)
        self.assertIsNone(self.check("memless", self.lines([(0, image), (0, image), (1, image), (1, image)])))

    def test_code_from_the_image_everywhere_is_caught(self):
        why = self.check("2x2", self.lines([(0, 0x101000)] * 2 + [(1, 0x101000)] * 2))
        self.assertIn("cpu 2 (node 1) runs kernel code from 0x101000, not from node 1's memory", why)

    def test_replicate_off_expects_the_image_everywhere(self):
        lines = self.lines([(0, 0x101000), (0, 0x101000), (1, 0x101000), (1, 0x101000)])
        self.assertIsNone(self.check("2x2", lines, ("replicate=off",)))
        self.assertIn("not from node 0's memory",
                      self.check("2x2", self.lines([(0, 0x101000)] * 2 + [(1, 0x1f7e0000)] * 2), ("replicate=off",)))

    def test_wrong_nodes_missing_and_repeated_cpus_are_caught(self):
        self.assertIn("not on node 0", self.check("2x2", ["cpu=2 node=0 code_frame=0x101000"]))
        self.assertIn("has 4 cpus", self.check("2x2", self.lines([(0, 0x101000)])))
        self.assertIn("once", self.check("uma", ["cpu=0 node=0 code_frame=0x101000"] * 2))
        self.assertIn("not a frame address", self.check("uma", ["cpu=0 node=0 code_frame=zz"]))
        self.assertIn("without printing the evidence", self.check("uma", []))


class Granules(unittest.TestCase):
    def test_counts_follow_from_the_pool_size(self):
        self.assertIsNone(evidence.check("granules", ["node=0 granules=8192 pool_kib=8192"], preset("uma"), ()))
        self.assertIn("8191 one-byte blocks",
                      evidence.check("granules", ["node=0 granules=8191 pool_kib=8192"], preset("uma"), ()))
        self.assertIsNone(evidence.check("granules", ["node=0 granules=16384 pool_kib=16384"], preset("uma"),
                                         ("kmem=16M",)))
        self.assertIn("8192 KiB pools",
                      evidence.check("granules", ["node=0 granules=4096 pool_kib=4096"], preset("uma"), ()))


class Protocol(unittest.TestCase):
    def test_evidence_lines_parse(self):
        event = protocol.parse_line(Line(1, 0.0, "KTEST abc lab1.x EVIDENCE node=0 pool=none"))
        self.assertEqual((event.kind, event.nonce, event.name, event.message), ("evidence", "abc", "lab1.x",
                                                                              "node=0 pool=none"))
        self.assertIsNone(protocol.parse_line(Line(2, 0.0, "lab| KTEST abc lab1.x EVIDENCE node=0 pool=none")))


if __name__ == "__main__":
    unittest.main()
