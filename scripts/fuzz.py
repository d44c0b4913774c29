#!/usr/bin/env python3
"""fuzz.py: the system-call, sigma0 and OS-protocol fuzzers at scale, on every preset (make fuzz).

Boots l4test with l4.fuzz.syscalls and l4.fuzz.sigma0 on each preset, in
parallel through `grade.py run`, with `fuzz_calls=CALLS` (and `fuzz_seed=SEED`
when given: the same calls again) on the kernel command line: CALLS system
calls, then CALLS messages to sigma0. The tests themselves fail on a leak
(spaces, threads, mapping nodes, free kernel memory or page tables not back to
their counts once the fuzzer's space is gone), on a fuzzer that stops
answering, unless IPC and a new space still work afterwards, and when sigma0
gives memory, leaves a message it must answer unanswered or answers one it
must ignore; a kernel panic or a hang fails the run. This prints one row per
preset: the calls and messages made, the seeds (to replay them), the counts
before and after the system calls, sigma0's answers, the verdict and the time,
and below the table the grader's report of any failed run (its log and the
command that reruns it).

With --os NAME:TESTS:MODULES (base:l4.os.rpc_fuzz:sigma0.elf,baseos.elf,ostest.elf;
numa:l4.numa.rpc_fuzz:sigma0.elf,rootpager.elf,...), each OS is booted too, with
`fuzz_calls=OS_CALLS`: ostest sends its pager OS_CALLS random requests of the OS
protocol (userland/apps/ostest/fuzz.cc; on the NUMA OS from every CPU's pager),
each of which must get the answer it calls for, and the frames and kernel counts
must be back once it ended. A second table has a row per OS and preset.

    scripts/fuzz.py --kernel K --module SIGMA0 --module L4TEST [--topo all]
                    [--calls N] [--seed S] [--log-dir DIR] [-j J]
                    [--os NAME:TESTS:MODULES [--os-topo NAME=PRESETS]] [--os-calls N]
"""
import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "grader"))
from proxima_grader.repeats import run_with_logs  # noqa: E402

SEED = re.compile(r"fuzzer: (\d+) random system calls, seed ([0-9a-f]+)")
MADE = re.compile(r"fuzzer: (\d+) of (\d+) calls made")
COUNTS = re.compile(r"fuzzer: threads (\d+)->(\d+), mapping nodes (\d+)->(\d+), free bytes (\d+)->(\d+), "
                    r"page tables (\d+)->(\d+)")
SIGMA0_SEED = re.compile(r"sigma0 fuzzer: (\d+) random messages, seed ([0-9a-f]+)")
SIGMA0_SENT = re.compile(r"sigma0 fuzzer: (\d+) of (\d+) messages sent")
SIGMA0_ANSWERS = re.compile(r"sigma0 fuzzer: (\d+) received by sigma0 \((\d+) refused, (\d+) answered with ports")
OS_SEED = re.compile(r"rpc fuzz: \d+ requests.*?, seed ([0-9a-f]+)")
OS_TALLY = re.compile(r"ostest: fuzz: (\d+) results, (\d+) refused, (\d+) malformed, (\d+) unknown, "
                      r"(\d+) IPCs failed")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--module", action="append", default=[], help="sigma0, then l4test")
    parser.add_argument("--topo", default="all")
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--seed", help="decimal or 0x hex; default: a new one per boot (from its nonce)")
    parser.add_argument("--log-dir", required=True)
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--os", action="append", default=[], metavar="NAME:TESTS:MODULES",
                        help="also fuzz an OS's protocol: its tests and its modules (comma-separated)")
    parser.add_argument("--os-topo", action="append", default=[], metavar="NAME=PRESETS",
                        help="the presets an OS runs on (default: --topo)")
    parser.add_argument("--os-calls", type=int, default=10_000)
    args = parser.parse_args()
    if args.calls <= 0 or args.os_calls <= 0:
        parser.error("--calls and --os-calls must be positive")
    seed = ""
    if args.seed is not None:
        try:
            seed = f" fuzz_seed={int(args.seed, 0):#x}"
        except ValueError:
            parser.error(f"--seed {args.seed!r} is not a number")
    kargs = f"fuzz_calls={args.calls}" + seed
    oses = []
    for spec in args.os:
        name, _, rest = spec.partition(":")
        tests, _, modules = rest.partition(":")
        if not (name and tests and modules):
            parser.error(f"--os {spec!r}: expected NAME:TESTS:MODULES")
        oses.append((name, tests, modules.split(",")))
    os_topo = dict(item.split("=", 1) for item in args.os_topo if "=" in item)
    # About 12,000 calls a second on a loaded 2-core host: generous limits, and a
    # progress line every 500 calls for the hang check.
    timeout = 300 + args.calls // 200
    command = [sys.executable, str(ROOT / "grader" / "grade.py"), "run", "--kernel", args.kernel,
               "--topo", args.topo, "--kargs", kargs, "--tests", "l4.fuzz.syscalls,l4.fuzz.sigma0", "-j", str(args.jobs),
               "--hang-seconds", "120", "--timeout", str(timeout)]
    for module in args.module:
        command += ["--module", module]
    done = grade(command, Path(args.log_dir))
    if done is None:
        return 2
    report, logs = done.report, done.logs
    print(format_table(report["runs"], logs))
    failed = report_failures(report["runs"])
    rows = [row_of(run, log) for run, log in zip(report["runs"], logs)]
    print(f"\nfuzz: {sum(r['made'] for r in rows)} system calls and {sum(r['messages'] for r in rows)} messages "
          f"to sigma0 on {len(report['runs'])} presets, {failed} failed runs; serial logs in {args.log_dir}")
    status = 0 if failed == 0 and done.exit_status == 0 else 1

    # Each OS's protocol: about 2,000 requests a second on a loaded 2-core host, from
    # every CPU's pager in turn on the NUMA OS.
    os_timeout = 300 + args.os_calls // 20
    for name, tests, modules in oses:
        command = [sys.executable, str(ROOT / "grader" / "grade.py"), "run", "--kernel", args.kernel,
                   "--topo", os_topo.get(name, args.topo), "--kargs", f"fuzz_calls={args.os_calls}" + seed,
                   "--tests", tests, "-j", str(args.jobs), "--hang-seconds", "120", "--timeout", str(os_timeout)]
        for module in modules:
            command += ["--module", module]
        log_dir = Path(args.log_dir, name)
        done = grade(command, log_dir)
        if done is None:
            return 2
        print(format_os_table(name, done.report["runs"], done.logs))
        failed = report_failures(done.report["runs"])
        requests = sum(os_row_of(log)["requests"] for log in done.logs)
        print(f"\nfuzz: {requests} requests to the {name} OS's pagers on {len(done.report['runs'])} presets, "
              f"{failed} failed runs; serial logs in {log_dir}")
        if failed or done.exit_status != 0:
            status = 1
    return status


def grade(command: list[str], log_dir: Path):
    """Runs grade.py run with a JSON report and serial logs; None (said why) if it gave no report."""
    print("fuzz:", " ".join(command[1:]), "--json --log-dir", log_dir, flush=True)
    done = run_with_logs(command, log_dir)
    if done.report is None:
        sys.stdout.write(done.output)
        print("fuzz: the grader gave no report (see above)", file=sys.stderr)
        return None
    return done


def report_failures(runs: list[dict]) -> int:
    """Prints the grader's report of each failed run; returns how many failed."""
    failed = [run for run in runs if not run["passed"]]
    for run in failed:
        print(f"\n{run['preset']}: {run['verdict']}: {run['reason']}")
        for problem in run["problems"]:
            print("  " + problem["message"])
        print("  rerun: " + run["commands"]["make"])
    return len(failed)


def os_row_of(log: Path) -> dict:
    """What an OS run's serial log says about ostest's fuzzing (the tasks' totals)."""
    text = log.read_text(errors="replace") if log.exists() else ""
    row = {"seed": "-", "requests": 0, "tally": [0, 0, 0, 0, 0]}
    if m := OS_SEED.search(text):
        row["seed"] = "0x" + m.group(1)
    for m in OS_TALLY.finditer(text):
        row["tally"] = [a + int(b) for a, b in zip(row["tally"], m.groups())]
    row["requests"] = sum(row["tally"])
    return row


def format_os_table(name: str, runs: list[dict], logs: list[Path]) -> str:
    out = [f"\n{name} OS protocol", f"{'preset':<10} {'requests':>9} {'seed':>11}  {'results':>8} {'refused':>8} "
           f"{'malformed':>9} {'unknown':>8} {'IPC fail':>8}  {'result':<7} {'seconds':>7}"]
    for run, log in zip(runs, logs):
        row = os_row_of(log)
        t = row["tally"]
        result = "PASS" if run["passed"] else run["verdict"].upper()
        out.append(f"{run['preset']:<10} {row['requests']:>9} {row['seed']:>11}  {t[0]:>8} {t[1]:>8} {t[2]:>9} "
                   f"{t[3]:>8} {t[4]:>8}  {result:<7} {run['duration']:>7.1f}")
    return "\n".join(out)


def row_of(run: dict, log: Path) -> dict:
    """What the run's serial log says about the fuzzer."""
    text = log.read_text(errors="replace") if log.exists() else ""
    row = {"made": 0, "seed": "-", "counts": None, "messages": 0, "sigma0_seed": "-", "answers": "-"}
    if m := SEED.search(text):
        row["seed"] = "0x" + m.group(2)
    for m in MADE.finditer(text):
        row["made"] = int(m.group(1))
    if m := COUNTS.search(text):
        row["counts"] = [int(v) for v in m.groups()]
    if m := SIGMA0_SEED.search(text):
        row["sigma0_seed"] = "0x" + m.group(2)
    for m in SIGMA0_SENT.finditer(text):
        row["messages"] = int(m.group(1))
    if m := SIGMA0_ANSWERS.search(text):
        row["answers"] = f"{m.group(2)}/{m.group(3)}"
    return row


def format_table(runs: list[dict], logs: list[Path]) -> str:
    out = [f"{'preset':<10} {'calls':>8} {'seed':>11}  {'threads':>9} {'map nodes':>11} "
           f"{'free bytes':>21} {'page tables':>11}  {'sigma0 msgs':>11} {'seed':>11} {'nil/ports':>11}  "
           f"{'result':<7} {'seconds':>7}"]
    for run, log in zip(runs, logs):
        row = row_of(run, log)
        if row["counts"] is None:
            threads = nodes = free = tables = "-"
        else:
            c = row["counts"]
            threads, nodes, free, tables = (f"{c[0]}->{c[1]}", f"{c[2]}->{c[3]}", f"{c[4]}->{c[5]}",
                                            f"{c[6]}->{c[7]}")
        result = "PASS" if run["passed"] else run["verdict"].upper()
        out.append(f"{run['preset']:<10} {row['made']:>8} {row['seed']:>11}  {threads:>9} {nodes:>11} "
                   f"{free:>21} {tables:>11}  {row['messages']:>11} {row['sigma0_seed']:>11} {row['answers']:>11}  "
                   f"{result:<7} {run['duration']:>7.1f}")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
