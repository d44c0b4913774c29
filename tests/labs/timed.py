"""Runs the kit's lab checks (test_lab*.py), a module per process, JOBS modules at
a time, and then lists each test with the seconds it took, slowest first (where
lab-tests' minutes go).

    python tests/labs/timed.py [--jobs N] [test_lab3 ...]

Each module runs as `python tests/labs/timed.py --one test_labN` in a process of
its own, its unittest output kept and printed whole when it ends (so two labs'
lines never interleave), its durations handed back as JSON on the last line.
The checks of different labs share nothing they write: each grading builds in a
workspace of its own and reads the kit's seeded build/grade only. A module's
checks grade one after the other, each with the grader's own parallel boots, and
they wait on builds and QEMU start-up often enough that one module alone leaves
part of a 2-core machine idle; two at a time fill it (JOBS, default 2).
"""

import argparse
import concurrent.futures
import json
import pathlib
import subprocess
import sys
import time
import unittest

HERE = pathlib.Path(__file__).resolve().parent
DURATIONS = "DURATIONS "   # the last line of a module's output: its tests' seconds, as JSON


class TimedResult(unittest.TextTestResult):
    durations = []

    def startTest(self, test):
        self._started = time.monotonic()
        super().startTest(test)

    def stopTest(self, test):
        super().stopTest(test)
        self.durations.append((time.monotonic() - self._started, test.id()))


def run_one(module):
    """Runs one module's checks in this process; prints the durations line last."""
    sys.path.insert(0, str(HERE))
    suite = unittest.defaultTestLoader.loadTestsFromName(module)
    result = unittest.TextTestRunner(verbosity=2, resultclass=TimedResult, stream=sys.stdout).run(suite)
    print(DURATIONS + json.dumps(TimedResult.durations), flush=True)
    return 0 if result.wasSuccessful() else 1


def run_module(module):
    """Runs a module in a process of its own: (module, exit status, output, durations, seconds)."""
    started = time.monotonic()
    run = subprocess.run([sys.executable, str(pathlib.Path(__file__).resolve()), "--one", module],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = run.stdout.splitlines()
    durations = []
    if lines and lines[-1].startswith(DURATIONS):
        durations = json.loads(lines.pop()[len(DURATIONS):])
    return module, run.returncode, "\n".join(lines), durations, time.monotonic() - started


def modules(names):
    """The modules to run, the larger files first (they hold the most checks), so that
    the last to start is a short one."""
    found = sorted(HERE.glob("test_lab*.py"), key=lambda p: p.stat().st_size, reverse=True)
    chosen = [p.stem for p in found if not names or p.stem in names]
    unknown = set(names) - set(chosen)
    if unknown:
        raise SystemExit(f"timed.py: no such module: {', '.join(sorted(unknown))}")
    return chosen


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="modules at a time (default 2)")
    parser.add_argument("--one", metavar="MODULE", help=argparse.SUPPRESS)
    parser.add_argument("names", nargs="*", help="modules to run (default: every test_lab*.py)")
    args = parser.parse_args()
    if args.one:
        return run_one(args.one)

    failed, durations = [], []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        running = [pool.submit(run_module, module) for module in modules(args.names)]
        for done in concurrent.futures.as_completed(running):
            module, status, output, seconds, took = done.result()
            print(f"==== {module} ({took:.0f} s)\n{output}", flush=True)
            durations += seconds
            if status != 0:
                failed.append(module)
    print("\nseconds per test, slowest first:")
    for seconds, name in sorted(durations, reverse=True):
        print(f"{seconds:7.0f}  {name}")
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
