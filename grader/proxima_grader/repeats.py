"""repeats.py: the `grade.py run` commands that boot a lab's tests many times,
and running one with its report and serial logs read back.

Shared by scripts/lab-matrix.py (one lab, the contract's repeats),
scripts/stress.py (every graded stage, with a flake table) and scripts/fuzz.py
(the system-call fuzzer on every preset). A lab's tests go
into one command per boot group (Stage.boot_groups: the same user programs
and the same kind of test share a boot), with the stage's own kernel options
and limits; user programs are the files `make programs` builds.
"""
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .labs import load_stage
from .presets import load_presets


def grade_run(root: Path) -> list[str]:
    return [sys.executable, str(root / "grader" / "grade.py"), "run"]


def lab_commands(root: Path, lab: int, kernel: str, repeat: int, topo: str, jobs: int) -> list[list[str]]:
    """One `grade.py run` per boot group of lab `lab`, every test `repeat` times on `topo`."""
    stage = load_stage(root, lab, load_presets())
    commands = []
    for modules, tests in stage.boot_groups(stage.tests):
        command = grade_run(root) + [
            "--kernel", kernel, "--topo", topo, "--tests", ",".join(test.name for test in tests),
            "--repeat", str(repeat), "-j", str(jobs), "--hang-seconds", str(stage.limits.hang_seconds),
            "--timeout", str(stage.limits.timeout_seconds)]
        for module in program_files(root, modules):
            command += ["--module", module]
        if stage.kargs:
            command += ["--kargs", " ".join(stage.kargs)]
        commands.append(command)
    return commands


def program_files(root: Path, modules: tuple[str, ...]) -> list[str]:
    """The modules ("name args") as "file args", the files built by `make programs`
    (called from here, so it sees make's BUILD, DEBUG and SOL)."""
    if not modules:
        return []
    names = [module.split()[0] for module in modules]
    variables = ["PROGRAMS=" + " ".join(names)]
    subprocess.run(["make", "-s", "-C", str(root), "programs", *variables], check=True)
    files = subprocess.run(["make", "-s", "-C", str(root), "print-programs", *variables], check=True,
                           capture_output=True, text=True).stdout.split()
    return [" ".join([file, *module.split()[1:]]) for file, module in zip(files, modules)]


@dataclass
class Report:
    """A `grade.py run`'s JSON report (None if it gave none: then `output` says why)
    and the serial log of each of its runs, in the report's order."""
    report: dict | None
    logs: list[Path] = field(default_factory=list)
    exit_status: int = 0
    output: str = ""


def run_with_logs(command: list[str], log_dir: Path) -> Report:
    """Runs `command` (a `grade.py run`) with --json and --log-dir `log_dir`, whose old
    logs are removed first so that none of them is taken for this run's."""
    log_dir.mkdir(parents=True, exist_ok=True)
    for old in log_dir.glob("*.log"):
        old.unlink()
    done = subprocess.run(command + ["--json", "--log-dir", str(log_dir)], stdout=subprocess.PIPE, text=True)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        return Report(None, [], done.returncode, done.stdout)
    logs = [log_dir / f"{number:03d}-{run['preset']}.log" for number, run in enumerate(report["runs"], start=1)]
    return Report(report, logs, done.returncode, done.stdout)
