#!/usr/bin/env python3
"""lab-matrix.py: a lab's every test on every machine preset, N times (make lab-matrix).

Before a lab is called done, its tests (visible and hidden) must pass N times
(the lab contract says 50) on every preset of config/topologies.conf, not only
the stage's, under QEMU's multi-threaded TCG with more virtual CPUs than the
host has cores. This boots the given kernel (built with the hidden tests)
through `grade.py run`, which reports every failing run with its serial log
and the command that reruns it, and ends with a count of failures per preset.

    scripts/lab-matrix.py --lab N --kernel K [--repeat N] [--topo all|a,b] [-j J]
"""
import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "grader"))

from proxima_grader.labs import load_stage  # noqa: E402
from proxima_grader.presets import load_presets  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", type=int, required=True)
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--topo", default="all")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--log-dir")
    args = parser.parse_args()
    stage = load_stage(ROOT, args.lab, load_presets())
    tests = ",".join(test.name for test in stage.tests)
    command = [sys.executable, str(ROOT / "grader" / "grade.py"), "run", "--kernel", args.kernel,
               "--topo", args.topo, "--tests", tests, "--repeat", str(args.repeat), "-j", str(args.jobs),
               "--hang-seconds", str(stage.limits.hang_seconds), "--timeout", str(stage.limits.timeout_seconds)]
    if stage.kargs:
        command += ["--kargs", " ".join(stage.kargs)]
    if args.log_dir:
        command += ["--log-dir", args.log_dir]
    print("lab-matrix:", " ".join(command[1:]), flush=True)
    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())
