"""Command line for lab grading: `grade.py lab`, `grade.py batch`, `grade.py classroom`.

Exit status of lab: 0 when every graded test passed on every preset, else 1.
Of batch: 0 when every submission was graded (whatever its score: a
refused or unbuildable submission is graded 0), 1 when the grader itself
failed on one. Both: 2 when the command or the lab tree is wrong (no such
lab, a bad stage.toml, a bad SOL).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
from pathlib import Path

from . import batch, exports, lab_report, report
from .grading import Options, grade, plan
from .labs import LabError
from .presets import REPO_ROOT
from .qemu import default_qemu


class UsageError(LabError):
    pass


def add_commands(commands, cpus: int) -> None:
    lab = commands.add_parser(
        "lab", help="build the kernel and grade labs by their stage.toml",
        description="Build the kernel once, boot each stage's presets with all its tests, "
                    "and score them. `make grade [LAB=n] [SOL=sel]` runs this.")
    _common(lab, cpus)
    lab.add_argument("--submission", metavar="DIR", type=Path,
                     help="grade this student tree: its lab files only, copied into a fresh "
                          "copy of --tree (the trusted kit); DIR is never written")
    lab.add_argument("--only", metavar="TEST", help="grade only this test (exit status too)")
    lab.add_argument("--visible-only", action="store_true",
                     help="leave grader/hidden/'s tests and machines out, as a handout would "
                          "(the kit's mutant checks)")
    lab.add_argument("--only-presets", metavar="A,B",
                     help="grade on these of each stage's presets only (a partial grade: the tests "
                          "that run on none of them are left out of the score)")
    lab.add_argument("--json", metavar="FILE|-", help="write the grader's JSON report "
                                                      "('-': print it instead of the text)")
    lab.add_argument("--gradescope", metavar="FILE", help="write Gradescope's results.json")
    lab.add_argument("--junit", metavar="FILE", help="write a JUnit XML report")

    many = commands.add_parser(
        "batch", help="grade every submission in a directory, in parallel",
        description="Grade every subdirectory of --submissions as one submission; write "
                    "OUT/<name>/{report.txt,results.json,junit.xml,result.json} and "
                    "OUT/summary.csv.")
    _common(many, cpus)
    many.add_argument("--submissions", metavar="DIR", type=Path, required=True)
    many.add_argument("--out", metavar="OUTDIR", type=Path, required=True)

    classroom = commands.add_parser(
        "classroom", help="print a GitHub Classroom autograding.json for the labs",
        description="One Classroom test per stage test (hidden tests left out), each "
                    "running `make grade-one LAB=N TEST=name`.")
    classroom.add_argument("--tree", type=Path, default=REPO_ROOT, metavar="DIR",
                           help="the lab tree (default: %(default)s)")
    classroom.add_argument("--lab", type=int, action="append", default=[], metavar="N",
                           help="only this lab; repeat for more (default: every graded lab)")


def _common(parser: argparse.ArgumentParser, cpus: int) -> None:
    parser.add_argument("--tree", type=Path, default=REPO_ROOT, metavar="DIR",
                        help="the lab tree to grade, or with --submission(s) the kit to grade "
                             "them in (default: %(default)s)")
    parser.add_argument("--lab", type=int, action="append", default=[], metavar="N",
                        help="grade this lab; repeat for more (default: every lab that has a "
                             "stage.toml, in order)")
    parser.add_argument("--sol", metavar="SEL",
                        help="labs whose files come from solutions/: all, none, N, N-M, 1,3-4 "
                             "(default: the Makefile's for a tree, none for submissions)")
    parser.add_argument("-j", "--jobs", type=int, default=cpus,
                        help="make jobs and QEMUs at once (default: %(default)d, the CPU count)")
    parser.add_argument("--qemu", help="QEMU command, may include arguments "
                                       "(default: $PROXIMA_QEMU or qemu-system-i386)")
    parser.add_argument("--hang-seconds", type=float,
                        help="override every stage's hang_seconds")
    parser.add_argument("--timeout", type=float, help="override every stage's timeout_seconds")
    parser.add_argument("--keep", action="store_true",
                        help="keep each submission's workspace (its path is in the report)")
    parser.add_argument("--profile", metavar="NUMAPROF.so",
                        help="load the numaprof plugin (make profile-plugin) into every boot; "
                             "its reports go to --profile-dir (docs/profiling.md)")
    parser.add_argument("--profile-dir", metavar="DIR",
                        help="where --profile's reports go, one file per boot (default: a new "
                             "temporary directory)")
    parser.add_argument("--record", metavar="DIR",
                        help="record every boot on a one-CPU machine (QEMU record/replay) into "
                             "DIR; keep the failed boots' recordings, with the command that "
                             "replays one under GDB (docs/debugging.md)")


def _options(args) -> Options:
    if not args.tree.is_dir():
        raise UsageError(f"no such tree: {args.tree}")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    for value in (args.hang_seconds, args.timeout):
        if value is not None and value <= 0:
            raise UsageError("--hang-seconds and --timeout must be positive")
    qemu = tuple(shlex.split(args.qemu)) if args.qemu else default_qemu()
    if not qemu:
        raise UsageError("empty QEMU command")
    profile, profile_dir = "", ""
    if args.profile:
        if not Path(args.profile).is_file():
            raise UsageError(f"numaprof plugin not found: {args.profile} (build it with make profile-plugin)")
        profile = str(Path(args.profile).resolve())
        profile_dir = args.profile_dir or tempfile.mkdtemp(prefix="proxima-numaprof-")
        Path(profile_dir).mkdir(parents=True, exist_ok=True)
        profile_dir = str(Path(profile_dir).resolve())
    elif args.profile_dir:
        raise UsageError("--profile-dir needs --profile")
    return Options(tree=args.tree.resolve(), labs=args.lab, sol=args.sol, jobs=args.jobs,
                   qemu=qemu, presets_file=Path(args.presets) if args.presets else None,
                   hang_seconds=args.hang_seconds, timeout_seconds=args.timeout,
                   keep=args.keep, profile=profile, profile_dir=profile_dir,
                   record_dir=str(Path(args.record).resolve()) if args.record else "")


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def command_lab(args) -> int:
    options = _options(args)
    if args.submission is not None:
        if not args.submission.is_dir():
            raise UsageError(f"no such submission directory: {args.submission}")
        options.submission = args.submission.resolve()
    options.only = args.only
    options.visible_only = args.visible_only
    options.only_presets = tuple(name for name in (args.only_presets or "").split(",") if name)
    stages = plan(options)
    if options.only_presets:
        _log(f"partial grade: only on {', '.join(options.only_presets)} of each stage's presets")
    done = 0

    def progress(result):
        nonlocal done
        done += 1
        if sys.stderr.isatty():
            _log(f"[{done}] {report.verdict_line(result)}")

    result = grade(options, stages, _log, progress)
    if args.gradescope:
        _write(args.gradescope, json.dumps(exports.gradescope(result), indent=2))
    if args.junit:
        _write(args.junit, exports.junit(result))
    if args.json and args.json != "-":
        _write(args.json, lab_report.to_json(result))
    print(lab_report.to_json(result) if args.json == "-" else lab_report.format_text(result))
    if result.kept:
        _log(f"workspace kept: {result.kept}")
    if options.profile:
        _log(f"numaprof reports, one per boot: {options.profile_dir}")
    return 0 if result.passed else 1


def command_batch(args) -> int:
    options = _options(args)
    if not args.lab:
        raise UsageError("batch needs --lab N")
    if not args.submissions.is_dir():
        raise UsageError(f"no such directory: {args.submissions}")
    stages = plan(options)
    entries = batch.grade_batch(options, stages, args.submissions.resolve(),
                                args.out.resolve(), _log)
    passed = sum(e.status == "ok" for e in entries)
    errors = [e.name for e in entries if e.status == "error"]
    print(f"{passed} of {len(entries)} submissions passed every test; "
          f"summary in {args.out / 'summary.csv'}")
    if errors:
        print(f"the grader failed on: {', '.join(errors)} (see their report.txt)")
    return 1 if errors else 0


def command_classroom(args) -> int:
    options = Options(tree=args.tree.resolve(), labs=args.lab,
                      presets_file=Path(args.presets) if args.presets else None)
    print(json.dumps(exports.classroom(plan(options)), indent=2))
    return 0


def _write(name: str, text: str) -> None:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text.endswith("\n") else text + "\n")


COMMANDS = {"lab": command_lab, "batch": command_batch, "classroom": command_classroom}
