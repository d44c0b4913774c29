import unittest

import support  # noqa: F401  (sets the import path)
from proxima_grader import PresetError, load_presets, machine_shape, parse_presets

SAMPLE = """
# a comment, then a blank line

small = -smp 1 -m 64M
two   = -smp 4,sockets=2 -m 256M -numa node,nodeid=0,cpus=0-1 -numa node,nodeid=1,cpus=2-3  # trailing comment
wide=-smp cpus=8 -m 128M
"""


class ParsePresets(unittest.TestCase):
    def test_names_in_file_order_with_options_split(self):
        presets = parse_presets(SAMPLE, "sample.conf")
        self.assertEqual(presets.names(), ["small", "two", "wide"])
        self.assertEqual(presets.get("small").options, ("-smp", "1", "-m", "64M"))
        self.assertNotIn("#", " ".join(presets.get("two").options))
        self.assertEqual(presets.get("small").source, "sample.conf:4")

    def test_machine_shape(self):
        presets = parse_presets(SAMPLE)
        self.assertEqual((presets.get("small").cpus, presets.get("small").nodes), (1, 1))
        self.assertEqual((presets.get("two").cpus, presets.get("two").nodes), (4, 2))
        self.assertEqual(presets.get("wide").cpus, 8)

    def test_kernel_options_change_the_expected_shape(self):
        two = parse_presets(SAMPLE).get("two")
        self.assertEqual(machine_shape(two), (4, 2))
        self.assertEqual(machine_shape(two, ("smp=off",)), (1, 2))
        self.assertEqual(machine_shape(two, ("numa=off",)), (4, 1))
        self.assertEqual(machine_shape(two, ("numa=fake:3",)), (4, 3))
        self.assertEqual(machine_shape(two, ("numa=other",)), (4, None))

    def test_unknown_preset_lists_known_ones(self):
        with self.assertRaises(PresetError) as caught:
            parse_presets(SAMPLE).get("huge")
        self.assertIn("unknown preset 'huge'", str(caught.exception))
        self.assertIn("small, two, wide", str(caught.exception))

    def test_errors_name_the_line(self):
        for text, words in [("small = -smp 1\nsmall = -smp 2\n", ["defined twice", ":2"]),
                            ("just some words\n", ["expected 'name = QEMU options'", ":1"]),
                            ("empty =\n", ["no QEMU options"]),
                            ("bad name = -smp 1\n", ["expected"]),
                            ("q = -append 'unclosed\n", ["<text>:1"])]:
            with self.subTest(text=text), self.assertRaises(PresetError) as caught:
                parse_presets(text)
            for word in words:
                self.assertIn(word, str(caught.exception))

    def test_missing_file(self):
        with self.assertRaises(PresetError) as caught:
            load_presets("/nonexistent/topologies.conf")
        self.assertIn("cannot read presets file", str(caught.exception))

    def test_repository_presets(self):
        presets = support.PRESETS
        for name in ("uma", "2x2", "4x1", "asym"):
            self.assertIn(name, presets.names())
        self.assertEqual((presets.get("uma").cpus, presets.get("uma").nodes), (1, 1))
        self.assertEqual((presets.get("2x2").cpus, presets.get("2x2").nodes), (2 * 2, 2))
        self.assertEqual((presets.get("4x1").cpus, presets.get("4x1").nodes), (4, 4))


if __name__ == "__main__":
    unittest.main()
