"""The workspace a submission is graded in: the trusted kit, plus the student's lab files.

A student's tree cannot be trusted to grade itself: its tests, grader and
Makefile may have been changed. So a submission is graded in a fresh copy of
the kit (the instructor's tree), into which only the files the kit's lab
manifests name are copied from the submission:

    kit (git ls-files, plus untracked files git does not ignore, such as
         grader/hidden/; or the whole tree minus build/ and .git)
      - solutions/ of labs the SOL selection does not take
      + <manifest files of the graded labs and every earlier lab> from the submission

The kit's own build directory (build/grade, objects compiled from the kit's
trusted sources, but not the hidden tests' objects) is copied too, times
kept, so that make recompiles only what the submission changed: the student's files are written last, and so are
newer than every object. A manifest file missing in the submission keeps the kit's version (noted in
the report). A manifest file that is, or lies under, a symbolic link leading
out of the submission, or that is not a regular file, refuses the whole
submission. The submission directory is only ever read.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

# Lab code has no reason to name the test harness's line protocol or the
# device that ends a run. Kernel code that does could forge results with the
# real nonce, which no check of the output can tell from real results, so
# such lines are reported for an instructor to look at (the score is kept).
HARNESS_WORDS = re.compile(r"KTEST|BOOT |nonce|debug_exit|ExitStatus|isa-debug-exit|\b0x[fF]4\b|ktest::")

SKIPPED_DIRS = {".git", "__pycache__"}   # and the top-level build/
SEED_BUILD = Path("build") / "grade"     # the BUILD the grader uses, in kit and workspace


class SubmissionError(Exception):
    """A submission that is not graded at all (and why)."""


@dataclass
class Workspace:
    root: Path
    taken: list[str] = field(default_factory=list)    # manifest files from the submission
    missing: list[str] = field(default_factory=list)  # manifest files it lacks: kit's kept
    warnings: list[str] = field(default_factory=list)  # lab code that names the harness


def kit_files(kit: Path) -> list[str]:
    """The kit's files, relative to it: what git tracks or would track, if a checkout."""
    try:
        listed = subprocess.run(
            ["git", "-C", str(kit), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        listed = None
    if listed is not None and listed.returncode == 0 and (kit / ".git").exists():
        names = listed.stdout.decode("utf-8", "surrogateescape").split("\0")
        return sorted({name for name in names if name})
    files = []
    for directory, subdirs, names in os.walk(kit):
        relative = Path(directory).relative_to(kit)
        subdirs[:] = sorted(d for d in subdirs if d not in SKIPPED_DIRS
                            and not (d == "build" and relative == Path(".")))
        files += [str(relative / name) for name in names]
    return sorted(files)


def submission_file(submission: Path, relative: str) -> Path | None:
    """The submission's real file for a manifest path; None if it has none.

    Raises SubmissionError for a link out of the submission or a non-regular file.
    """
    root = submission.resolve()
    path = submission / relative
    if not os.path.lexists(path):
        return None
    real = path.resolve()
    if real != root and root not in real.parents:
        raise SubmissionError(f"{relative} is a symbolic link (or lies under one) that "
                              f"leads out of the submission, to {real}")
    try:
        mode = real.stat().st_mode
    except OSError as error:
        raise SubmissionError(f"{relative}: cannot read it: {error.strerror}") from None
    if not stat.S_ISREG(mode):
        raise SubmissionError(f"{relative} is not a regular file")
    return real


def assemble(kit: Path, submission: Path, manifest: list[str], destination: Path,
             solution_labs: list[int], exclude: tuple[Path, ...] = ()) -> Workspace:
    """Fill `destination` (an empty directory) with the kit and the submission's lab files.

    `solution_labs`: the labs whose solutions/lab<N>/ the build may use.
    `exclude`: directories never copied from the kit (e.g. submissions kept inside it).
    """
    kit, submission = Path(kit).resolve(), Path(submission).resolve()
    sources = {relative: submission_file(submission, relative) for relative in manifest}
    skip = [Path(p).resolve() for p in (submission, *exclude)]
    keep_solutions = {f"lab{n}" for n in solution_labs}
    workspace = Workspace(Path(destination))
    for relative in kit_files(kit):
        parts = PurePosixPath(relative).parts
        if parts[0] == "solutions" and len(parts) > 2 and parts[1] not in keep_solutions:
            continue
        source = kit / relative
        if any(source == s or s in source.parents for s in skip):
            continue
        _copy_kit_file(source, workspace.root / relative)
    if (kit / SEED_BUILD).is_dir():
        shutil.copytree(kit / SEED_BUILD, workspace.root / SEED_BUILD, symlinks=True,
                        copy_function=shutil.copy2, ignore=_hidden_objects)
    for relative, source in sources.items():
        target = workspace.root / relative
        if source is None:
            workspace.missing.append(relative)
            continue
        if os.path.lexists(target):
            target.unlink()  # never write through a link of the kit's
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        workspace.taken.append(relative)
        workspace.warnings += harness_mentions(target, relative)
    return workspace


def _hidden_objects(directory: str, names: list[str]) -> list[str]:
    """Leaves the hidden tests' objects (<variant>/hidden/ in the seed build) out:
    the workspace builds them from a directory outside itself (HIDDEN_DIR), and
    their dependency files name the kit's grader/hidden/..., which make would
    then look for in the workspace and not find."""
    return ["hidden"] if "hidden" in names and Path(directory).parent.name == SEED_BUILD.name else []


def harness_mentions(path: Path, relative: str) -> list[str]:
    """Lines of a student's lab file that name the harness (see HARNESS_WORDS)."""
    found = []
    text = path.read_text("utf-8", "replace")
    for number, line in enumerate(text.splitlines(), 1):
        match = HARNESS_WORDS.search(line)
        if match:
            found.append(f"{relative}:{number} mentions '{match.group(0).strip()}', which belongs to "
                         "the test harness: an instructor should read this line")
    return found


def _copy_kit_file(source: Path, target: Path) -> None:
    if not os.path.lexists(source):  # tracked by git, deleted in the checkout
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
    elif source.is_file():
        shutil.copy2(source, target)
