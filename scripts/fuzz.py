#!/usr/bin/env python3
"""fuzz.py: the system-call and sigma0 fuzzers at scale, on every preset (make fuzz).

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

    scripts/fuzz.py --kernel K --module SIGMA0 --module L4TEST [--topo all]
                    [--calls N] [--seed S] [--log-dir DIR] [-j J]
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel", required=True)
    parser.add_argument("--module", action="append", default=[], help="sigma0, then l4test")
    parser.add_argument("--topo", default="all")
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--seed", help="decimal or 0x hex; default: a new one per boot (from its nonce)")
    parser.add_argument("--log-dir", required=True)
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    if args.calls <= 0:
        parser.error("--calls must be positive")
    kargs = f"fuzz_calls={args.calls}"
    if args.seed is not None:
        try:
            kargs += f" fuzz_seed={int(args.seed, 0):#x}"
        except ValueError:
            parser.error(f"--seed {args.seed!r} is not a number")
    # About 12,000 calls a second on a loaded 2-core host: generous limits, and a
    # progress line every 500 calls for the hang check.
    timeout = 300 + args.calls // 200
    command = [sys.executable, str(ROOT / "grader" / "grade.py"), "run", "--kernel", args.kernel,
               "--topo", args.topo, "--kargs", kargs, "--tests", "l4.fuzz.syscalls,l4.fuzz.sigma0", "-j", str(args.jobs),
               "--hang-seconds", "120", "--timeout", str(timeout)]
    for module in args.module:
        command += ["--module", module]
    print("fuzz:", " ".join(command[1:]), "--json --log-dir", args.log_dir, flush=True)
    done = run_with_logs(command, Path(args.log_dir))
    if done.report is None:
        sys.stdout.write(done.output)
        print("fuzz: the grader gave no report (see above)", file=sys.stderr)
        return 2
    report, logs = done.report, done.logs
    print(format_table(report["runs"], logs))
    failed = [run for run in report["runs"] if not run["passed"]]
    for run in failed:
        print(f"\n{run['preset']}: {run['verdict']}: {run['reason']}")
        for problem in run["problems"]:
            print("  " + problem["message"])
        print("  rerun: " + run["commands"]["make"])
    rows = [row_of(run, log) for run, log in zip(report["runs"], logs)]
    print(f"\nfuzz: {sum(r['made'] for r in rows)} system calls and {sum(r['messages'] for r in rows)} messages "
          f"to sigma0 on {len(report['runs'])} presets, {len(failed)} failed runs; serial logs in {args.log_dir}")
    return 0 if not failed and done.exit_status == 0 else 1


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
