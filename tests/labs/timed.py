"""Runs the kit's lab checks like `python -m unittest discover -v`, and then lists
each test with the seconds it took, slowest first (where lab-tests' minutes go).

    python tests/labs/timed.py
"""

import pathlib
import sys
import time
import unittest


class TimedResult(unittest.TextTestResult):
    def startTest(self, test):
        self._started = time.monotonic()
        super().startTest(test)

    def stopTest(self, test):
        super().stopTest(test)
        self.durations.append((time.monotonic() - self._started, test.id()))

    durations = []


def main():
    here = pathlib.Path(__file__).resolve().parent
    suite = unittest.defaultTestLoader.discover(str(here))
    result = unittest.TextTestRunner(verbosity=2, resultclass=TimedResult).run(suite)
    print("\nseconds per test, slowest first:")
    for seconds, name in sorted(TimedResult.durations, reverse=True):
        print(f"{seconds:7.0f}  {name}")
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
