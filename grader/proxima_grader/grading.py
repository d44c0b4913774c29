"""Grading labs: of a tree in place, or of a student's submission in a workspace.

    plan()   which stages to grade (stage.toml + hidden tests), checked up front
    grade()  fence the student's lab files, build the kernel once (and the user
             programs the stages boot as modules, in the same make), boot every
             stage's presets, score -> Grade

The fence (fence.py) checks every lab file that is the student's (not taken
from solutions/) before anything is built: a violation is a verdict, and the
graded stages get 0 points without a build or a boot.

A tree (`--tree`, the kit or a student's own checkout) is built in place
under build/grade. A submission is graded in a fresh copy of the tree with
only its lab files copied in (see workspace.py), built with SOL=none unless
a SOL is given: the kit has solutions/, and the Makefile would otherwise
take them all.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Callable

from .build import Build, SolError, build_kernel, sol_labs
from .fence import FenceReport, check_labs, load_fence
from .labs import HIDDEN_DIR, LabError, Stage, find_labs, graded_labs, load_stage
from .presets import load_presets
from .qemu import QemuSetup, default_qemu
from .reproduce import PRESETS_IN_TREE, MakeTree
from .runner import RunResult
from .scoring import StageGrade, grade_stages, not_run
from .workspace import SubmissionError, Workspace, assemble

BUILD_DIR = "build/grade"   # relative to the tree or workspace that is built


@dataclass
class Options:
    tree: Path                        # the lab tree; for a submission, the trusted kit
    labs: list[int] = field(default_factory=list)   # empty: every lab with a stage.toml
    sol: str | None = None
    submission: Path | None = None
    only: str | None = None           # grade just this test
    visible_only: bool = False        # leave the hidden tests and machines out
    only_presets: tuple[str, ...] = ()  # only these of each stage's presets (empty: all)
    jobs: int = 1
    qemu: tuple[str, ...] = field(default_factory=default_qemu)
    presets_file: Path | None = None  # default: the tree's config/topologies.conf
    hang_seconds: float | None = None
    timeout_seconds: float | None = None
    keep: bool = False                # keep a submission's workspace
    exclude: tuple[Path, ...] = ()    # never copied from the kit into a workspace
    profile: str = ""                 # numaprof.so to load into every boot (docs/profiling.md), or none
    profile_dir: str = ""             # where its reports go, one file per boot
    record_dir: str = ""              # where one-CPU boots are recorded (recording.py), or none


@dataclass
class Grade:
    options: Options
    stages: list[StageGrade]
    sol: str | None                   # the SOL given to make (None: the Makefile's default)
    build: Build | None = None
    hidden_build: Build | None = None  # the build with the hidden tests (its output: instructors only)
    fence: FenceReport | None = None  # the check of the student's lab files
    workspace: Workspace | None = None
    kept: Path | None = None          # the workspace, when kept
    refused: str = ""                 # why a submission was not graded
    duration: float = 0.0

    @property
    def score(self) -> Fraction:
        return sum((s.score for s in self.stages), Fraction(0))

    @property
    def max_score(self) -> Fraction:
        return sum((s.max_score for s in self.stages), Fraction(0))

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.stages)

    @property
    def status(self) -> str:
        if self.refused:
            return "refused"
        if self.fence is not None and not self.fence.ok:
            return "fence"
        if self.build is not None and not self.build.ok:
            return "build failed"
        return "ok" if self.passed else "failed"


def plan(options: Options) -> list[Stage]:
    """The stages to grade; LabError or SolError when the request cannot be met."""
    tree = options.tree
    presets = load_presets(options.presets_file or tree / PRESETS_IN_TREE)
    numbers = options.labs or [lab.number for lab in graded_labs(tree)]
    if not numbers:
        raise LabError(f"no lab in {tree / 'labs'} has a stage.toml: nothing to grade")
    stages = [load_stage(tree, n, presets).with_limits(options.hang_seconds,
                                                       options.timeout_seconds)
              for n in dict.fromkeys(numbers)]
    if options.sol is not None:
        available = solution_labs(tree)
        for lab in sol_labs(options.sol, available):
            if lab not in available:
                raise SolError(f"SOL={options.sol}: there is no {tree / 'solutions'}/lab{lab}")
    for lab in find_labs(tree):  # every lab graded or built on needs its fence
        if lab.number <= max(numbers) and lab.manifest():
            load_fence(lab.directory, lab.number)
    if options.visible_only:
        stages = [s.visible() for s in stages]
    if options.only_presets:
        for stage in stages:
            if not stage.on_presets(options.only_presets).presets:
                raise LabError(f"none of the presets {', '.join(options.only_presets)} is one of lab {stage.lab}'s "
                               f"({', '.join(p.name for p in stage.presets)})")
        stages = [s.on_presets(options.only_presets) for s in stages]
    if options.only:
        stages = [s.only(options.only) for s in stages if s.only(options.only).tests]
        if not stages:
            raise LabError(f"no test named '{options.only}' in the stages of lab(s) "
                           f"{', '.join(map(str, numbers))}")
    return stages


def solution_labs(tree: Path) -> list[int]:
    directory = tree / "solutions"
    names = [p.name[3:] for p in directory.glob("lab*") if p.is_dir()] if directory.is_dir() else []
    return sorted(int(n) for n in names if n.isdigit())


def grade(options: Options, stages: list[Stage],
          log: Callable[[str], None] = lambda text: None,
          on_done: Callable[[RunResult], None] | None = None,
          cancel: threading.Event | None = None) -> Grade:
    started = time.monotonic()
    if options.submission is None:
        result = _grade_tree(options, stages, log, on_done, cancel)
    else:
        result = _grade_submission(options, stages, log, on_done, cancel)
    result.duration = time.monotonic() - started
    return result


def _grade_tree(options, stages, log, on_done, cancel) -> Grade:
    tree = options.tree
    variables = (f"SOL={options.sol}",) if options.sol is not None else ()
    return _build_and_run(options, stages, tree, options.sol, MakeTree(tree, variables),
                          Grade(options, [], options.sol), log, on_done, cancel)


def _grade_submission(options, stages, log, on_done, cancel) -> Grade:
    kit, submission = options.tree.resolve(), options.submission.resolve()
    sol = options.sol if options.sol is not None else "none"
    result = Grade(options, [], sol)
    last_lab = max(stage.lab for stage in stages)
    manifest = list(dict.fromkeys(path for lab in find_labs(kit) if lab.number <= last_lab
                                  for path in lab.manifest()))
    # The workspace (tree/) holds no hidden test: they wait beside it (hidden/)
    # for the second build, whose output no student sees.
    parent = Path(tempfile.mkdtemp(prefix="proxima-grade-"))
    root, hidden = parent / "tree", parent / "hidden"
    root.mkdir()
    try:
        log(f"assembling the workspace {root} from {kit} and {submission}")
        try:
            result.workspace = assemble(kit, submission, manifest, root, sol_labs(sol, solution_labs(kit)),
                                        options.exclude + (kit / HIDDEN_DIR,))
        except SubmissionError as error:
            result.refused = f"submission refused: {error}"
            result.stages = [not_run(stage, result.refused) for stage in stages]
            return result
        if (kit / HIDDEN_DIR / "kernel").is_dir():
            shutil.copytree(kit / HIDDEN_DIR / "kernel", hidden / "kernel")
        rerun = root if options.keep else submission
        return _build_and_run(options, stages, root, sol, MakeTree(rerun, (f"SOL={sol}",)),
                              result, log, on_done, cancel, hidden_dir=hidden)
    finally:
        if options.keep:
            result.kept = root
            shutil.rmtree(hidden, ignore_errors=True)
        else:
            shutil.rmtree(parent, ignore_errors=True)


def students_files(tree: Path, stages: list[Stage], sol: str | None) -> list[tuple[int, Path, list[str]]]:
    """(lab, its directory, its manifest files) for every lab up to the last graded
    one whose files the build takes from the tree, not from solutions/."""
    available = solution_labs(tree)
    selection = sol if sol is not None else ("all" if available else "none")
    from_solutions = set(sol_labs(selection, available))
    last = max(stage.lab for stage in stages)
    return [(lab.number, lab.directory, lab.manifest()) for lab in find_labs(tree)
            if lab.number <= last and lab.number not in from_solutions]


def _build_and_run(options, stages, tree, sol, make_tree, result, log, on_done, cancel,
                   hidden_dir: Path | None = None) -> Grade:
    """Fence, build, boot and score. With `hidden_dir` (a submission), the kernel
    is built twice: without the hidden tests for the visible pairs, then with
    the kernel tests in hidden_dir for the hidden ones (scoring.py)."""
    labs = students_files(tree, stages, sol)
    if labs:
        log("fencing " + ", ".join(f for _, _, files in labs for f in files))
        result.fence = check_labs(tree, labs)
        if not result.fence.ok:
            result.stages = [not_run(stage, result.fence.summary()) for stage in stages]
            return result
    split = hidden_dir is not None and any(s.hidden_presets or any(t.hidden for t in s.tests) for s in stages)
    extra = ("HIDDEN_DIR=",) if split else ()
    names = tuple(dict.fromkeys(name for stage in stages for name in stage.programs))
    wanted = f" programs PROGRAMS='{' '.join(names)}'" if names else ""
    log(f"building the kernel{' and the user programs' if names else ''}: make -C {tree} kernel{wanted}"
        + (f" SOL={sol}" if sol is not None else "") + f" BUILD={BUILD_DIR} {' '.join(extra)}".rstrip())
    result.build = build_kernel(tree, sol, BUILD_DIR, options.jobs, cancel, extra=extra, programs=names)
    if not result.build.ok:
        result.stages = [not_run(stage, f"{result.build.what} did not build") for stage in stages]
        return result
    kernel = result.build.kernel
    # The user programs do not hold hidden tests: both kernels boot the same ones.
    programs = tuple((name, str(path)) for name, path in result.build.programs.items())
    hidden_setup, hidden_failed = None, ""
    if split:
        kernel = kernel.with_name("kernel-visible.elf")
        shutil.copyfile(result.build.kernel, kernel)
        log("building the kernel with the hidden tests")
        result.hidden_build = build_kernel(tree, sol, BUILD_DIR, options.jobs, cancel,
                                           extra=(f"HIDDEN_DIR={hidden_dir}",))
        if result.hidden_build.ok:
            hidden_setup = QemuSetup(options.qemu, str(result.hidden_build.kernel), make_tree,
                                     programs=programs, profile=options.profile, profile_dir=options.profile_dir,
                                     record_dir=options.record_dir)
        else:
            hidden_failed = "the kernel with the hidden tests did not build"
    setup = QemuSetup(options.qemu, str(kernel), make_tree, programs=programs, profile=options.profile,
                      profile_dir=options.profile_dir, record_dir=options.record_dir)
    result.stages = grade_stages(stages, setup, options.jobs, on_done, cancel, hidden_setup,
                                 split=split, hidden_failed=hidden_failed)
    return result
