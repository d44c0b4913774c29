"""Grading many submissions: every subdirectory of a directory is one.

Each submission is graded in its own workspace. The -j budget is shared: a
pool of `outer` submissions at a time, each building with, and booting its
presets in, `inner` jobs (outer * inner <= jobs). A submission that cannot be
graded (refused, a grader error) is recorded and the batch goes on. Results:

    OUT/<name>/report.txt     the text report
    OUT/<name>/results.json   Gradescope's format
    OUT/<name>/junit.xml
    OUT/<name>/result.json    the grader's own JSON
    OUT/summary.csv           name, score, max, status
"""

from __future__ import annotations

import concurrent.futures
import csv
import json
import threading
import traceback
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from . import exports, lab_report
from .grading import Grade, Options, grade
from .labs import Stage


@dataclass
class Entry:
    name: str
    grade: Grade | None
    error: str = ""     # a grader failure, with its traceback

    @property
    def status(self) -> str:
        return "error" if self.grade is None else self.grade.status


def split_jobs(jobs: int) -> tuple[int, int]:
    """(submissions at a time, jobs within each): two QEMUs each once there is room."""
    inner = 2 if jobs >= 4 else 1
    return max(1, jobs // inner), inner


def submissions(directory: Path, out: Path) -> list[Path]:
    out = out.resolve()
    return [p for p in sorted(directory.iterdir())
            if p.is_dir() and not p.name.startswith(".") and p.resolve() != out]


def grade_batch(options: Options, stages: list[Stage], directory: Path, out: Path,
                log: Callable[[str], None] = lambda text: None) -> list[Entry]:
    paths = submissions(directory, out)
    outer, inner = split_jobs(options.jobs)
    cancel = threading.Event()
    entries: dict[str, Entry] = {}
    out.mkdir(parents=True, exist_ok=True)
    exclude = (*options.exclude, directory.resolve(), out.resolve())

    def one(path: Path) -> Entry:
        mine = replace(options, submission=path, jobs=inner, exclude=exclude)
        try:
            entry = Entry(path.name, grade(mine, stages, cancel=cancel))
        except Exception:  # a grader bug must not stop the batch; it is reported
            entry = Entry(path.name, None, traceback.format_exc())
        write_entry(out / path.name, entry)
        return entry

    with concurrent.futures.ThreadPoolExecutor(max_workers=outer) as pool:
        futures = [pool.submit(one, path) for path in paths]
        try:
            for future in concurrent.futures.as_completed(futures):
                entry = future.result()
                entries[entry.name] = entry
                log(f"[{len(entries)}/{len(paths)}] {entry.name}: {_score(entry)} {entry.status}")
        except BaseException:  # Ctrl-C: stop every build and QEMU before leaving
            cancel.set()
            pool.shutdown(cancel_futures=True)
            raise
    ordered = [entries[p.name] for p in paths]
    write_summary(out / "summary.csv", ordered, sum(stage.max_points for stage in stages))
    return ordered


def _score(entry: Entry) -> str:
    if entry.grade is None:
        return "-"
    return lab_report.score_text(entry.grade.score, entry.grade.max_score)


def write_entry(directory: Path, entry: Entry) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    if entry.grade is None:
        (directory / "report.txt").write_text(f"grader error:\n{entry.error}")
        return
    grade_ = entry.grade
    (directory / "report.txt").write_text(lab_report.format_text(grade_) + "\n")
    (directory / "results.json").write_text(json.dumps(exports.gradescope(grade_), indent=2))
    (directory / "junit.xml").write_text(exports.junit(grade_))
    (directory / "result.json").write_text(lab_report.to_json(grade_))


def write_summary(path: Path, entries: list[Entry], max_points: float) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "score", "max", "status"])
        for entry in entries:
            grade_ = entry.grade
            writer.writerow([entry.name,
                             lab_report.points(grade_.score) if grade_ else "0",
                             lab_report.points(max_points),
                             entry.status])
