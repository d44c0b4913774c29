#!/usr/bin/env python3
"""check_apps.py: boots pingpong and arraywalk once each, with short parameters, under
an OS (the base OS or the NUMA OS: --modules says which) on a few machine presets, and
fails unless each printed its result lines and exited with 0. With --unmapbench it
does the same with unmapbench (for an OS that serves unmap), with --migratebench with
migratebench (for an OS that moves threads between nodes: every move must land; a
preset with two nodes must measure both cross-node cases).

A test, not a benchmark: the numbers are not looked at, only that the programs ran
their cases, read back every value right (their own checks) and ended well. `make
check-apps` (mk/bench.mk) calls it with the QEMU command after `--` (the kernel and the
devices, no machine shape and no modules): this script adds each preset's options from
config/topologies.conf and the modules.
"""
import argparse
import os
import sys

from apps import Booter, run_arraywalk, run_pingpong
from migrate import run_migratebench
from unmap import run_unmapbench

# Short runs: enough rounds and pages to exercise every path, few enough to be quick.
PINGPONG_ARGS = "rounds=200 batches=2"
ARRAYWALK_RUNS = [("0", "1"), ("0.5", "2"), ("1", "2")]  # (overlap, iterations)
ARRAYWALK_MB = "1"
UNMAP_PAGES = ["1", "65"]  # one Unmap system call of the base OS, and two
UNMAP_ROUNDS = "5"
MIGRATE_ROUNDS = "5"  # round trips per case: 10 measured moves, a new space each in one case


def preset_options(topologies, name):
    """The QEMU options of preset `name` in config/topologies.conf."""
    with open(topologies, encoding="utf-8") as conf:
        for line in conf:
            key, sep, value = line.partition("=")
            if sep and not line.lstrip().startswith("#") and key.strip() == name:
                return value.split()
    raise SystemExit(f"check_apps: no preset {name} in {topologies}")


def check_preset(args, qemu, preset):
    """The failures of both programs on one preset (empty: all well)."""
    options = preset_options(args.topologies, preset)
    booter = Booter(qemu + options, args.modules, args.app_dir, args.log_dir, preset, "tsc", args.timeout)
    failures = []
    results, skipped, errors = run_pingpong(booter, PINGPONG_ARGS)
    failures += errors
    if not results or len(results) + len(skipped) != 6:
        failures.append(f"pingpong on {preset}: {len(results)} cases measured and {len(skipped)} skipped, not 6")
    for overlap, iterations in ARRAYWALK_RUNS:
        rows, errors = run_arraywalk(booter, [overlap], [iterations], ARRAYWALK_MB)
        failures += errors
        failures += [f"arraywalk overlap={overlap} iter={iterations} on {preset}: thread {r.get('thread')} not ok"
                     for r in rows if r.get("ok") != "1"]
    if args.unmapbench:
        rows, errors = run_unmapbench(booter, UNMAP_PAGES, UNMAP_ROUNDS)
        failures += [f"{error} (on {preset})" for error in errors]
    if args.migratebench:
        rows, skipped, errors = run_migratebench(booter, MIGRATE_ROUNDS)
        failures += [f"{error} (on {preset})" for error in errors]
        nodes_with_cpus = sum(1 for option in options if option.startswith("node,") and "cpus=" in option)
        failures += [f"migratebench on {preset}: {s.get('case')} skipped ({s.get('reason')}) with CPUs on two nodes"
                     for s in skipped if s.get("case", "").startswith("other_node") and nodes_with_cpus >= 2]
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topologies", required=True, help="config/topologies.conf")
    parser.add_argument("--presets", default="uma,2x2", help="comma-separated preset names")
    parser.add_argument("--modules", required=True, help="sigma0 and the OS's modules, comma-separated")
    parser.add_argument("--app-dir", required=True, help="where the programs' ELF files are")
    parser.add_argument("--unmapbench", action="store_true", help="also run unmapbench (the OS serves unmap)")
    parser.add_argument("--migratebench", action="store_true",
                        help="also run migratebench (the OS moves threads between nodes)")
    parser.add_argument("--log-dir", required=True, help="where the serial logs go")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before one QEMU run is stopped")
    parser.add_argument("qemu", nargs=argparse.REMAINDER, help="-- then the QEMU command")
    args = parser.parse_args()
    qemu = args.qemu[1:] if args.qemu[:1] == ["--"] else args.qemu
    if not qemu:
        parser.error("no QEMU command after --")

    failures = []
    for preset in args.presets.split(","):
        failures += check_preset(args, qemu, preset)
    for failure in failures:
        print(f"check_apps: FAIL {failure}", file=sys.stderr)
    print(f"check_apps: {'FAILED' if failures else 'passed'} on {args.presets} (logs in {args.log_dir})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
