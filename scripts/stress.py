#!/usr/bin/env python3
"""stress.py: every graded stage N times, and a table of what failed (make stress).

A stage is a set of tests booted together: each lab's tests with the
reference solutions (every preset, as the lab contract asks), the kernel's
self-tests (boot), the kernel core's user-level tests (core, fast path on and
off), the base OS's (os) and the NUMA OS's (numaos) on their suites' presets.
Each is booted N times through `grade.py run --repeat N`, as many QEMUs at a
time as the host has cores, under multi-threaded TCG: the 4- and 8-CPU
presets have more virtual CPUs than the host has cores. A failure is a bug to
fix, not a retry: the table lists every (test, preset) that failed at least
once, with failures/N, the serial log of its first failing run and the
command that reruns that run alone; a run that failed with no test failing
(a panic after the last result, a hang, a timeout) is listed as `(run)`.
With --record, the runs on one-CPU machines are recorded as they run
(grade.py --record) and the table adds the command that replays the first
failing one, instruction for instruction, under GDB.

    scripts/stress.py --kernel K --userland DIR [--repeat N] [--lab N]...
                      [--stage boot,core,os,numaos] [--topo a,b] --log-dir DIR
"""
import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "grader"))

from proxima_grader.repeats import grade_run, lab_commands, run_with_logs  # noqa: E402

LABS = sorted(int(p.parent.name[3:].split("-")[0]) for p in ROOT.glob("labs/lab*-*/stage.toml"))


def read_list(path: str) -> str:
    return ",".join(line.strip() for line in (ROOT / path).read_text().splitlines() if line.strip())


@dataclass
class Flake:
    failures: int = 0
    first_log: str = ""
    rerun: str = ""
    replay: str = ""   # the first failing run's replay command, when it was recorded


@dataclass
class StageResult:
    name: str
    runs: int = 0
    failed_runs: int = 0
    flakes: dict = field(default_factory=dict)   # (test, preset) -> Flake
    error: str = ""


def stage_names(labs: list[int] | None, stage: str | None, all_labs: list[int], suites) -> list[str]:
    """What to run: LAB=n alone, those labs; STAGE=a,b alone, those suites; both,
    both; neither, every lab and every suite."""
    if labs or stage:
        return [f"lab{lab}" for lab in labs or []] + [name for name in (stage or "").split(",") if name]
    return [f"lab{lab}" for lab in all_labs] + list(suites)


def suite_commands(args) -> dict[str, list[list[str]]]:
    """The kit's own suites, as make test runs them (their presets come from make)."""
    def elf(name: str) -> str:
        return str(Path(args.userland, name + ".elf"))

    def run(topo: str, tests: str, modules: list[str], kargs: list[str] = ()) -> list[str]:
        command = grade_run(ROOT) + ["--kernel", args.kernel, "--topo", args.topo or topo, "--tests", tests,
                                     "--repeat", str(args.repeat), "-j", str(args.jobs),
                                     "--hang-seconds", "120", "--timeout", "900"]
        for module in modules:
            command += ["--module", elf(module)]
        for options in kargs:
            command += ["--kargs", options]
        return command

    return {
        "boot": [run("all", read_list("tests/boot/selftests.list"), [])],
        "core": [run(args.core_presets, read_list("tests/core/l4tests.list"), ["sigma0", "l4test"],
                     ["", "fastpath=off", "sysenter=off"])],
        "os": [run(args.os_presets, read_list("tests/os/ostests.list"), ["sigma0", "baseos", "ostest"])],
        "numaos": [run(args.numaos_presets, read_list("tests/os/numatests.list"),
                       ["sigma0", "rootpager", "apppager", "ostest", "numaprobe"])],
    }


def run_stage(name: str, commands: list[list[str]], log_dir: Path, record: bool = False) -> StageResult:
    result = StageResult(name)
    for index, command in enumerate(commands, start=1):
        logs = log_dir / (name if len(commands) == 1 else f"{name}-{index}")
        if record:
            command = command + ["--record", str(logs / "recordings")]
        print(f"stress: {name}: {' '.join(command[1:])} --json --log-dir {logs}", flush=True)
        done = run_with_logs(command, logs)
        if done.report is None:
            result.error = f"the grader gave no report (exit status {done.exit_status}): {done.output[-500:]}"
            continue
        for run, log in zip(done.report["runs"], done.logs):
            result.runs += 1
            if run["passed"]:
                continue
            result.failed_runs += 1
            failing = [test for test, state in run["test_results"].items() if state["state"] != "pass"]
            for test in failing or ["(run)"]:
                flake = result.flakes.setdefault((test, run["preset"], " ".join(run["kargs"])), Flake())
                flake.failures += 1
                if not flake.first_log:
                    flake.first_log, flake.rerun = str(log), run["commands"]["make"]
                    flake.replay = run["commands"].get("replay", "")
    return result


def format_table(results: list[StageResult], repeat: int) -> str:
    rows = [(r.name, test, preset + (f" {kargs}" if kargs else ""), f.failures, f.first_log, f.rerun, f.replay)
            for r in results for (test, preset, kargs), f in sorted(r.flakes.items())]
    out = [f"{'stage':<8} {'runs':>6} {'failed':>6}", *[f"{r.name:<8} {r.runs:>6} {r.failed_runs:>6}"
                                                          + (f"  {r.error}" if r.error else "") for r in results]]
    if not rows:
        return "\n".join(out + ["", f"no test failed in {repeat} repeats"])
    width = max(len(row[1]) for row in rows)
    out += ["", f"{'stage':<8} {'test':<{width}} {'preset':<22} failures  first failing log / rerun"]
    for stage, test, preset, failures, log, rerun, replay in rows:
        out += [f"{stage:<8} {test:<{width}} {preset:<22} {failures:>3}/{repeat:<5} {log}",
                f"{'':<8} {'':<{width}} {'':<22} {'':<9} {rerun}"]
        if replay:
            out.append(f"{'':<8} {'':<{width}} {'':<22} {'':<9} recorded: {replay}")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--userland", required=True, help="where the user programs' ELFs are")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--lab", type=int, action="append", help="these labs (alone: no suite)")
    parser.add_argument("--stage", help="these of boot,core,os,numaos (alone: no lab)")
    parser.add_argument("--topo", help="these presets instead of each stage's")
    parser.add_argument("--core-presets", default="uma,2x2,4x1")
    parser.add_argument("--os-presets", default="uma,2x2,4x1")
    parser.add_argument("--numaos-presets", default="uma,2x2,4x1,n8,memless,asym3")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--log-dir", required=True)
    parser.add_argument("--record", action="store_true",
                        help="record the runs on one-CPU machines; keep the failed ones' recordings")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    suites = suite_commands(args)
    unknown = [name for name in (args.stage or "").split(",") if name and name not in suites]
    if unknown:
        parser.error(f"no stage {unknown[0]!r} (boot, core, os, numaos)")
    stages = {name: (suites[name] if name in suites else
                     lab_commands(ROOT, int(name[3:]), args.kernel, args.repeat, args.topo or "all", args.jobs))
              for name in stage_names(args.lab, args.stage, LABS, suites)}
    start = time.monotonic()
    Path(args.log_dir).mkdir(parents=True, exist_ok=True)
    results = [run_stage(name, commands, Path(args.log_dir), args.record) for name, commands in stages.items()]
    table = format_table(results, args.repeat)
    Path(args.log_dir, "flakes.txt").write_text(table + "\n")
    print("\n" + table)
    runs, failed = sum(r.runs for r in results), sum(r.failed_runs for r in results)
    print(f"\nstress: {runs} runs in {time.monotonic() - start:.0f} s, {failed} failed; "
          f"table in {Path(args.log_dir, 'flakes.txt')}")
    return 0 if failed == 0 and not any(r.error for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
