import unittest

import support  # noqa: F401
from proxima_grader.serial import MAX_LINE_BYTES, SerialCapture


class Capture(unittest.TestCase):
    def test_lines_are_cut_across_chunks_and_lose_their_line_ends(self):
        capture = SerialCapture()
        for chunk in (b"first li", b"ne\r\nsecond\n", b"third without newline"):
            capture.feed(chunk)
        capture.finish()
        self.assertEqual([l.text for l in capture.lines()],
                         ["first line", "second", "third without newline"])
        self.assertEqual([l.number for l in capture.lines()], [1, 2, 3])
        self.assertFalse(capture.truncated)

    def test_timestamps_grow(self):
        capture = SerialCapture()
        capture.feed(b"a\nb\n")
        times = [l.time for l in capture.lines()]
        self.assertEqual(times, sorted(times))
        self.assertGreaterEqual(times[0], 0)

    def test_overlong_line_is_split(self):
        capture = SerialCapture()
        capture.feed(b"x" * (3 * MAX_LINE_BYTES) + b"\n")
        capture.finish()
        lines = capture.lines()
        self.assertGreaterEqual(len(lines), 3)
        self.assertTrue(all(len(l.text) <= MAX_LINE_BYTES for l in lines))
        self.assertEqual(sum(len(l.text) for l in lines), 3 * MAX_LINE_BYTES)

    def test_cap_keeps_the_beginning_and_the_end(self):
        cap = 64 * 1024
        capture = SerialCapture(cap)
        line = b"y" * 99 + b"\n"
        for _ in range(10_000):  # about 1 MB
            capture.feed(line)
        capture.feed(b"the very last line\n")
        capture.finish()
        lines = capture.lines()
        self.assertTrue(capture.truncated)
        self.assertLessEqual(capture.kept_bytes, cap)
        self.assertEqual(capture.line_count, 10_001)
        self.assertEqual(lines[0].number, 1)
        self.assertEqual(lines[-1].text, "the very last line")
        self.assertEqual(lines[-1].number, 10_001)
        self.assertEqual(capture.total_bytes, 10_000 * 100 + 19)

    def test_bad_utf8_is_replaced(self):
        capture = SerialCapture()
        capture.feed(b"caf\xe9\n")
        self.assertEqual(capture.lines()[0].text, "caf\ufffd")


if __name__ == "__main__":
    unittest.main()
