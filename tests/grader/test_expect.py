import tempfile
import unittest
from pathlib import Path

import support  # noqa: F401
from proxima_grader import ExpectBlock, ExpectRegex, load_block
from proxima_grader.serial import SerialCapture

OUTPUT = """\
booting
topology: nodes=2 cpus=4
node 0: cpus=0-1 mem=256M
node 1: cpus=2-3 mem=256M
done
"""


def lines(text=OUTPUT):
    capture = SerialCapture()
    capture.feed(text.encode())
    return capture.lines()


class Expectations(unittest.TestCase):
    def test_block_found(self):
        block = ExpectBlock(("topology: nodes=2 cpus=4", "node 0: cpus=0-1 mem=256M   "))
        self.assertIsNone(block.check(lines()))

    def test_block_that_differs_shows_expected_and_actual(self):
        block = ExpectBlock(("topology: nodes=2 cpus=4", "node 0: cpus=0-1 mem=256M",
                             "node 1: cpus=2-3 mem=128M"), "topo.txt")
        problem = block.check(lines())
        self.assertIn("topo.txt", problem.message)
        self.assertEqual(problem.line, 2)
        self.assertIn("-node 1: cpus=2-3 mem=128M", problem.detail)
        self.assertIn("+node 1: cpus=2-3 mem=256M", problem.detail)

    def test_block_found_by_first_word_when_first_line_differs(self):
        problem = ExpectBlock(("topology: nodes=1 cpus=4", "node 0: cpus=0-3")).check(lines())
        self.assertEqual(problem.line, 2)
        self.assertIn("+topology: nodes=2 cpus=4", problem.detail)

    def test_block_absent(self):
        problem = ExpectBlock(("memory map:",)).check(lines())
        self.assertIn("not in the output", problem.message)
        self.assertIsNone(problem.line)

    def test_regex(self):
        self.assertIsNone(ExpectRegex(r"node 1: cpus=\d-\d").check(lines()))
        self.assertIn("no output line matches", ExpectRegex("node 2").check(lines()).message)

    def test_load_block_drops_trailing_blank_lines(self):
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "block.txt"
            path.write_text("topology: nodes=2 cpus=4\n\n\n")
            self.assertEqual(load_block(path).lines, ("topology: nodes=2 cpus=4",))


if __name__ == "__main__":
    unittest.main()
