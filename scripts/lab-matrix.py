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
(Stage.boot_groups), with the programs `make programs` builds (called again
from here, so it sees make's BUILD, DEBUG and SOL).

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
    status = 0
    for index, (modules, tests) in enumerate(stage.boot_groups(stage.tests)):
        command = [sys.executable, str(ROOT / "grader" / "grade.py"), "run", "--kernel", args.kernel,
                   "--topo", args.topo, "--tests", ",".join(test.name for test in tests),
                   "--repeat", str(args.repeat), "-j", str(args.jobs),
                   "--hang-seconds", str(stage.limits.hang_seconds),
                   "--timeout", str(stage.limits.timeout_seconds)]
        for module in program_files(modules):
            command += ["--module", module]
        if stage.kargs:
            command += ["--kargs", " ".join(stage.kargs)]
        if args.log_dir:
            command += ["--log-dir", str(Path(args.log_dir, f"group{index + 1}"))]
        print("lab-matrix:", " ".join(command[1:]), flush=True)
        status = max(status, subprocess.call(command))
    return status


def program_files(modules: tuple[str, ...]) -> list[str]:
    """The modules ("name args") as "file args", the files built by `make programs`."""
    if not modules:
        return []
    names = [module.split()[0] for module in modules]
    variables = ["PROGRAMS=" + " ".join(names)]
    subprocess.run(["make", "-s", "-C", str(ROOT), "programs", *variables], check=True)
    files = subprocess.run(["make", "-s", "-C", str(ROOT), "print-programs", *variables], check=True,
                           capture_output=True, text=True).stdout.split()
    return [" ".join([file, *module.split()[1:]]) for file, module in zip(files, modules)]


if __name__ == "__main__":
    sys.exit(main())
