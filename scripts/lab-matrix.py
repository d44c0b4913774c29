#!/usr/bin/env python3
"""lab-matrix.py: a lab's every test on every machine preset, N times (make lab-matrix).

Before a lab is called done, its tests (visible and hidden) must pass N times
(the lab contract says 50) on every preset of config/topologies.conf, not only
the stage's, under QEMU's multi-threaded TCG with more virtual CPUs than the
host has cores. This boots the given kernel (built with the hidden tests)
through `grade.py run`, which reports every failing run with its serial log
and the command that reruns it, and ends with a count of failures per preset.
Tests that boot user programs (stage.toml's `modules`) run in a `grade.py
run` of their own per module list, as the grader boots them
(Stage.boot_groups), with the programs `make programs` builds
(proxima_grader/repeats.py). `make stress` does the same for every stage at
once and prints a table of flaky tests (scripts/stress.py).

    scripts/lab-matrix.py --lab N --kernel K [--repeat N] [--topo all|a,b] [-j J]
"""
import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "grader"))

from proxima_grader.repeats import lab_commands  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", type=int, required=True)
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--topo", default="all")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--log-dir")
    args = parser.parse_args()
    status = 0
    for index, command in enumerate(lab_commands(ROOT, args.lab, args.kernel, args.repeat, args.topo, args.jobs)):
        if args.log_dir:
            command += ["--log-dir", str(Path(args.log_dir, f"group{index + 1}"))]
        print("lab-matrix:", " ".join(command[1:]), flush=True)
        status = max(status, subprocess.call(command))
    return status


if __name__ == "__main__":
    sys.exit(main())
