"""Reports of a lab grade: text for people, result.json for programs.

The text report gives, per stage, its score, one line per test with its
points and a mark per preset, why each non-ok mark is not ok, and then the
failure report of every failed run (report.format_details: why, expected,
the serial lines that matter, the commands that rerun and debug it). Runs
of a stage that panicked the same way (report.panic_signature: the same
PANIC message, CPU numbers and addresses aside) share one failure report
that names their machines, with a rerun command each. result.json keeps
every run whole.
"""

from __future__ import annotations

import json
from fractions import Fraction

from . import report
from .grading import Grade
from .scoring import Mark, StageGrade, TestGrade


def points(value: Fraction | float) -> str:
    """10, 42.5, 3.33: no trailing zeros, at most two decimals."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def score_text(earned, maximum) -> str:
    return f"{points(earned)}/{points(maximum)}"


def test_name(test: TestGrade) -> str:
    return test.test.name + (" (hidden)" if test.test.hidden else "")


def marks_text(test: TestGrade) -> str:
    return ", ".join(f"{preset} {mark}" for preset, mark in test.marks.items())


def header_lines(grade: Grade) -> list[str]:
    """Where the kernel came from: the submission, its files, the build."""
    out = []
    options = grade.options
    if options.submission is not None:
        where = (f"graded in {grade.kept} (kept)" if grade.kept
                 else f"graded in a copy of {options.tree}")
        out.append(f"submission: {options.submission} ({where})")
        if grade.workspace is not None:
            taken = ", ".join(grade.workspace.taken) or "(none)"
            out.append(f"  from the submission: {taken}")
            if grade.workspace.missing:
                out.append("  not in the submission, so the kit's version was used: "
                           + ", ".join(grade.workspace.missing))
            out += ["  warning: " + warning for warning in grade.workspace.warnings]
    if grade.refused:
        out.append(grade.refused)
    fence = grade.fence
    if fence is not None and not fence.ok:
        out.append(f"the fence refused the lab files ({len(fence.violations)} violation(s); "
                   "grader/README.md, 'The fence'):")
        out += ["  " + line for violation in fence.violations for line in str(violation).splitlines()]
        out.append("nothing was built or booted: every graded test gets 0")
    if fence is not None:
        out += ["  warning: " + warning for warning in fence.warnings]
    build = grade.build
    if build is not None and build.ok:
        out.append(f"kernel: {build.kernel} ({build.duration:.1f} s: {build.command})")
        if build.programs:
            out.append("user programs: " + ", ".join(str(path) for path in build.programs.values()))
    elif build is not None:
        out.append(f"{build.what} did not build ({build.duration:.1f} s); the command was:")
        out.append(f"  {build.command}")
        out.append("its last lines of output:")
        out += ["  " + line for line in build.tail()]
    return out


def stage_lines(stage: StageGrade, hidden: bool = True) -> list[str]:
    """The stage's score and a line per test; without the hidden tests (and
    their points) unless `hidden`."""
    tests = [t for t in stage.tests if hidden or not t.test.hidden]
    score = sum((t.score for t in tests), Fraction(0))
    most = sum((Fraction(t.test.points) for t in tests), Fraction(0))
    out = [f"{stage.stage.title}   {score_text(score, most)}"]
    if stage.not_run:
        out.append(f"  not run: {stage.not_run}")
    width = max((len(score_text(t.score, t.test.points)) for t in tests), default=0)
    name_width = max((len(test_name(t)) for t in tests), default=0)
    for test in tests:
        score = score_text(test.score, test.test.points)
        out.append(f"  {score:>{width}}  {test_name(test):<{name_width}}  {marks_text(test)}")
        indent = " " * (width + 4)
        if test.test.description:
            out.append(indent + test.test.description)
        if not stage.not_run:
            out += [indent + line for line in why_lines(test)]
    return out


def why_lines(test: TestGrade) -> list[str]:
    """Why each preset is not ok, presets with the same reason on one line."""
    presets: dict[str, list[str]] = {}
    for preset, why in test.details.items():
        presets.setdefault(why, []).append(preset)
    return [f"{', '.join(names)}: {why}" for why, names in presets.items()]


def hidden_build_lines(grade: Grade) -> list[str]:
    """The build with the hidden tests, when it failed: for instructors only
    (its output may quote hidden tests)."""
    build = grade.hidden_build
    if build is None or build.ok:
        return []
    return ["the kernel with the hidden tests did not build (shown to instructors only); the command was:",
            f"  {build.command}", "its last lines of output:"] + ["  " + line for line in build.tail()]


def format_text(grade: Grade) -> str:
    out = header_lines(grade) + hidden_build_lines(grade)
    for stage in grade.stages:
        out += [""] + stage_lines(stage)
    for stage in grade.stages:
        for run, same in failure_groups(stage.runs):
            out += ["", report.format_details(run, same)]
    passed = sum(t.passed for s in grade.stages for t in s.tests)
    total = sum(len(s.tests) for s in grade.stages)
    out += ["", f"score: {score_text(grade.score, grade.max_score)}; {passed} of {total} "
                f"tests passed on every preset ({grade.duration:.0f} s)"]
    return "\n".join(out).lstrip("\n")


def failure_groups(runs) -> list[tuple]:
    """The failed runs as (run, other runs that failed the same way), in run order;
    only panics are grouped (report.panic_signature)."""
    groups: dict = {}
    order = []
    for run in runs:
        if run.passed:
            continue
        key = report.panic_signature(run)
        if key is None:
            order.append((run, []))
        elif key in groups:
            groups[key].append(run)
        else:
            groups[key] = []
            order.append((run, groups[key]))
    return order


def test_to_dict(test: TestGrade) -> dict:
    return {"name": test.test.name, "description": test.test.description,
            "hidden": test.test.hidden, "points": test.test.points,
            "score": float(test.score), "passed": test.passed,
            "presets": {preset: {"mark": mark.name.lower(), "why": test.details.get(preset, "")}
                        for preset, mark in test.marks.items()}}


def grade_to_dict(grade: Grade) -> dict:
    options, build = grade.options, grade.build
    return {
        "passed": grade.passed,
        "status": grade.status,
        "score": float(grade.score),
        "max_score": float(grade.max_score),
        "duration": round(grade.duration, 3),
        "tree": str(options.tree),
        "sol": grade.sol,
        "submission": str(options.submission) if options.submission else None,
        "refused": grade.refused,
        "files_taken": grade.workspace.taken if grade.workspace else [],
        "files_missing": grade.workspace.missing if grade.workspace else [],
        "warnings": grade.workspace.warnings if grade.workspace else [],
        "fence": None if grade.fence is None else {
            "ok": grade.fence.ok, "checked": grade.fence.checked, "unchecked": grade.fence.unchecked,
            "violations": [{"file": v.file, "line": v.line, "rule": v.rule, "message": v.message}
                           for v in grade.fence.violations],
            "warnings": grade.fence.warnings, "symbols": grade.fence.symbols},
        "hidden_build": None if grade.hidden_build is None else {
            "ok": grade.hidden_build.ok, "command": grade.hidden_build.command,
            "output_tail": grade.hidden_build.tail()},
        "build": None if build is None else {
            "ok": build.ok, "command": build.command, "duration": round(build.duration, 3),
            "kernel": str(build.kernel) if build.kernel else None,
            "programs": {name: str(path) if path else None for name, path in build.programs.items()},
            "output_tail": build.tail()},
        "stages": [{
            "lab": s.stage.lab, "title": s.stage.title, "score": float(s.score),
            "max_score": float(s.max_score), "passed": s.passed, "not_run": s.not_run,
            "presets": [p.name for p in s.stage.presets],
            "tests": [test_to_dict(t) for t in s.tests],
            "runs": [report.run_to_dict(r) for r in s.runs],
        } for s in grade.stages],
    }


def to_json(grade: Grade) -> str:
    return json.dumps(grade_to_dict(grade), indent=2)


def failed_marks(test: TestGrade) -> list[str]:
    return [preset for preset, mark in test.marks.items() if mark is not Mark.OK]
