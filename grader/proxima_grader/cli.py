"""Command line: `grade.py run ...` boots and checks, `grade.py presets` lists machines;
`grade.py lab`, `batch` and `classroom` grade labs (see lab_cli.py).

Exit status: 0 when every run passed, 1 when some run failed, 2 when the
command itself is wrong (unknown preset, missing kernel, bad option).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
import tempfile
from pathlib import Path

from . import lab_cli, report
from .expect import ExpectRegex, load_block
from .labs import LabError
from .presets import PresetError, Presets, load_presets
from .numaprof import numaprof_rows
from .qemu import ModuleError, QemuSetup, default_kernel, default_qemu, profile_file
from .runner import run_many
from .spec import ALL_TESTS, Limits, RunSpec, SpecError, machine_shape

DEFAULT_PRESET = "2x2"
CPUS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grade.py", description="Boot the Proxima kernel under QEMU and check its output.")
    parser.add_argument("--presets", metavar="FILE",
                        help="machine presets file (default: $PROXIMA_TOPOLOGIES or "
                             "config/topologies.conf)")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="boot on one or more presets and check the output",
                              description="Boot once per (preset, kernel options) pair, "
                                          "in parallel, and check every run.")
    machine = run.add_argument_group("what to run")
    machine.add_argument("--kernel", default=None,
                         help="kernel ELF (default: $PROXIMA_KERNEL, else build/kernel.elf "
                              "or build/release/kernel.elf)")
    machine.add_argument("--qemu", default=None,
                         help="QEMU command, may include arguments "
                              "(default: $PROXIMA_QEMU or qemu-system-i386)")
    machine.add_argument("--topo", action="append", default=[], metavar="PRESET",
                         help="preset to boot; repeat or comma-separate; 'all' for every "
                              f"preset (default: {DEFAULT_PRESET})")
    machine.add_argument("--kargs", action="append", default=[], metavar="OPTIONS",
                         help="extra kernel options, e.g. 'numa=fake:2'; repeat to run "
                              "each preset once per OPTIONS")
    machine.add_argument("--module", action="append", default=[], metavar="'FILE[ ARGS]'",
                         help="a multiboot module (QEMU -initrd); repeat for more, in boot "
                              "order: sigma0 first, then the root task")
    machine.add_argument("--tests", default="", metavar="a,b|all",
                         help="in-kernel self-tests to run and require")
    machine.add_argument("--repeat", type=int, default=1, metavar="N",
                         help="boot every combination N times (catches races)")
    machine.add_argument("--profile", default=None, metavar="NUMAPROF.so",
                         help="load the numaprof plugin (make profile-plugin) into every run and "
                              "print each run's instructions and local and remote accesses "
                              "(docs/profiling.md); the reports go to --log-dir, else a "
                              "temporary directory")
    machine.add_argument("--record", default=None, metavar="DIR",
                         help="record every run on a one-CPU machine (QEMU record/replay) into "
                              "DIR; keep the failed runs' recordings and print the command that "
                              "replays one under GDB (docs/debugging.md)")

    checks = run.add_argument_group("what to check")
    checks.add_argument("--expect-block", action="append", default=[], metavar="FILE",
                        help="these lines must appear as one block; '{topo}' in FILE is "
                             "replaced by the preset name")
    checks.add_argument("--expect-regex", action="append", default=[], metavar="REGEX",
                        help="some output line must match REGEX")
    checks.add_argument("--no-shape-check", action="store_true",
                        help="do not compare the BOOT line's cpus= and nodes= with the preset")

    limits = run.add_argument_group("limits")
    limits.add_argument("--hang-seconds", type=float, default=Limits.hang_seconds,
                        help="kill QEMU after this long without serial output "
                             "(default: %(default)g)")
    limits.add_argument("--timeout", type=float, default=Limits.timeout_seconds,
                        help="kill QEMU after this long in all (default: %(default)g)")
    limits.add_argument("--output-cap", type=int, default=Limits.output_cap, metavar="BYTES",
                        help="serial output kept per run (default: %(default)d)")

    output = run.add_argument_group("output")
    output.add_argument("-j", "--jobs", type=int, default=CPUS,
                        help="QEMU instances at once (default: %(default)d, the CPU count)")
    output.add_argument("--json", action="store_true", help="print a JSON report")
    output.add_argument("--log-dir", metavar="DIR",
                        help="write each run's serial output to DIR")

    commands.add_parser("presets", help="list the machine presets")
    lab_cli.add_commands(commands, CPUS)
    return parser


def build_specs(args, presets: Presets) -> list[RunSpec]:
    names: list[str] = []
    for item in args.topo or [DEFAULT_PRESET]:
        for name in filter(None, item.split(",")):
            names += presets.names() if name == ALL_TESTS else [name]
    tests = tuple(filter(None, args.tests.split(",")))
    limits = Limits(args.hang_seconds, args.timeout, args.output_cap)
    if min(limits.hang_seconds, limits.timeout_seconds) <= 0 or limits.output_cap < 4096:
        raise UsageError("limits must be positive, and the output cap at least 4096 bytes")
    if args.repeat < 1 or args.jobs < 1:
        raise UsageError("--repeat and --jobs must be at least 1")
    regexes = tuple(ExpectRegex(r) for r in args.expect_regex)

    specs = []
    for name in dict.fromkeys(names):
        preset = presets.get(name)
        blocks = tuple(_load_block(pattern, name) for pattern in args.expect_block)
        for kargs_text in args.kargs or [""]:
            kargs = tuple(shlex.split(kargs_text))
            cpus, nodes = (None, None) if args.no_shape_check else machine_shape(preset, kargs)
            spec = RunSpec(preset, tests, kargs, blocks + regexes, cpus, nodes, limits)
            specs += [spec] * args.repeat
    return specs


def _load_block(pattern: str, preset: str):
    path = pattern.replace("{topo}", preset)
    try:
        return load_block(path)
    except OSError as error:
        raise UsageError(f"cannot read expected block {path}: {error.strerror}") from None


def command_run(args, presets: Presets) -> int:
    specs = build_specs(args, presets)
    profile_dir = ""
    if args.profile:
        if not Path(args.profile).is_file():
            raise UsageError(f"numaprof plugin not found: {args.profile} (build it with make profile-plugin)")
        profile_dir = args.log_dir or tempfile.mkdtemp(prefix="proxima-numaprof-")
        Path(profile_dir).mkdir(parents=True, exist_ok=True)
    try:
        setup = QemuSetup(tuple(shlex.split(args.qemu)) if args.qemu else default_qemu(),
                          args.kernel or default_kernel(), modules=tuple(args.module),
                          profile=str(Path(args.profile).resolve()) if args.profile else "",
                          profile_dir=str(Path(profile_dir).resolve()) if profile_dir else "",
                          record_dir=str(Path(args.record).resolve()) if args.record else "")
    except ModuleError as error:
        raise UsageError(str(error)) from None
    if not setup.qemu:
        raise UsageError("empty QEMU command")
    if not Path(setup.kernel).is_file():
        raise UsageError(f"kernel not found: {setup.kernel} (build it with make, "
                         "or name it with --kernel)")
    for module in setup.modules:
        if not Path(module.split()[0]).is_file():
            raise UsageError(f"boot module not found: {module.split()[0]} (build it with "
                             "make userland)")
    done = 0

    def progress(result):
        nonlocal done
        done += 1
        if not args.json and sys.stderr.isatty():
            print(f"[{done}/{len(specs)}] {report.verdict_line(result)}", file=sys.stderr)

    results = run_many(specs, setup, args.jobs, progress)
    print(report.to_json(results) if args.json else report.format_text(results))
    if setup.profile and not args.json:
        print(profile_summary(results, setup))
    if args.log_dir:
        paths = report.write_logs(results, args.log_dir)
        print(f"serial logs in {paths[0].parent}" if paths else "", file=sys.stderr)
    return 0 if all(r.passed for r in results) else 1


def profile_summary(results, setup: QemuSetup) -> str:
    """One line per profiled run: its machine, kernel options and numaprof's totals."""
    lines = ["numaprof (modeled time = insns + L x local + R x remote accesses; a model, not cycles):"]
    for result in results:
        path = profile_file(setup.profile_dir, result.spec, result.nonce)
        rows = numaprof_rows(path.read_text()) if path.is_file() else []
        total = next((row for row in rows if row.get("total") is True and "phase" not in row), None)
        where = f"  {result.spec.preset.name} {' '.join(result.spec.kargs)}".rstrip()
        if total is None:
            lines.append(f"{where}: no report (QEMU did not exit normally?) {path}")
            continue
        ratio = float(total["remote_ratio"]) * 100
        lines.append(f"{where}: insns={total['insns']} local={total['local']} remote={total['remote']} "
                     f"({ratio:.2f}% remote) modeled={total['modeled']}  {path}")
    return "\n".join(lines)


def command_presets(presets: Presets) -> int:
    width = max((len(p.name) for p in presets), default=0)
    print(f"# from {presets.path}")
    for preset in presets:
        print(f"{preset.name:<{width}}  cpus={preset.cpus or '?'} nodes={preset.nodes}  "
              f"{' '.join(preset.options)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command in lab_cli.COMMANDS:
            return lab_cli.COMMANDS[args.command](args)
        presets = load_presets(args.presets)
        if args.command == "presets":
            return command_presets(presets)
        return command_run(args, presets)
    except (UsageError, LabError, PresetError, SpecError, ValueError, re.error) as error:
        print(f"grade.py: error: {error}", file=sys.stderr)
        return 2
