"""A lab grade in the formats other tools read: Gradescope, JUnit, GitHub Classroom.

Gradescope (results.json of its autograder spec): the total score, one entry
per visible test with its part on the visible machines, one entry per stage
with the points of everything hidden (hidden tests, and every test on a
hidden machine), and the hidden tests' own entries, "after_published".
What students see before then comes from runs that booted no hidden test, so
it cannot name one (a submission is graded that way: scoring.py); hidden
names are masked in the text as well.
JUnit XML: a testsuite per stage, a testcase per (test, preset), with a
<failure> carrying the reason and the serial lines that matter.
GitHub Classroom (.github/classroom/autograding.json): one entry per stage
test that runs `make grade-one LAB=N TEST=name`; its exit status decides.
Hidden tests are left out, since the file goes into the students' repository.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ElementTree
from fractions import Fraction

from . import report
from .grading import Grade
from .lab_report import header_lines, score_text
from .labs import Stage
from .scoring import Mark, StageGrade, TestGrade

HIDDEN_NAME = "<hidden test>"
CLASSROOM_BUILD_MINUTES = 10      # allowance for building the kernel, per test
CLASSROOM_MAX_MINUTES = 60        # the longest timeout Classroom accepts
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _redact(text: str, hidden: list[str]) -> str:
    for name in sorted(hidden, key=len, reverse=True):
        text = text.replace(name, HIDDEN_NAME)
    return text


def _in_view(stage: StageGrade, test: TestGrade, student: bool) -> list[str]:
    """The presets of a test's marks that a student may see (all for instructors)."""
    return [p for p in test.marks if not (student and stage.stage.is_hidden(test.test, p))]


def _share(test: TestGrade, presets: list[str]) -> tuple[Fraction, Fraction]:
    """(earned, most) of a test's points on these presets."""
    each = Fraction(test.test.points) / len(test.marks)
    earned = sum((each for p in presets if test.marks[p] is Mark.OK), Fraction(0))
    return earned, each * len(presets)


def _test_output(stage: StageGrade, test: TestGrade, student: bool = False) -> str:
    """A test's marks, why they are not ok, and the failed runs' reports; for a
    student only what holds nothing hidden: the visible presets, and the runs
    that booted no hidden test (a submission's visible runs: scoring.py)."""
    presets = _in_view(stage, test, student)
    out = [test.test.description] if test.test.description else []
    out.append(", ".join(f"{preset} {test.marks[preset]}" for preset in presets))
    if stage.not_run:
        out.append(f"not run: {stage.not_run}")
        return "\n".join(out)
    reasons: dict[str, list[str]] = {}
    for preset in presets:
        if preset in test.details:
            reasons.setdefault(test.details[preset], []).append(preset)
    out += [f"{', '.join(names)}: {why}" for why, names in reasons.items()]
    shown = stage.visible_runs if student else stage.runs
    for preset in presets:
        run = test.runs.get(preset)
        if run is not None and not run.passed and any(run is r for r in shown):
            out += ["", report.format_details(run)]
    if len(presets) < len(test.marks):
        out.append("(its results on further machines count in 'hidden tests and machines')")
    return "\n".join(out)


def _student_stage_lines(stage: StageGrade) -> list[str]:
    """A stage as a student sees it before grades are published: the visible
    tests on the visible presets, and everything hidden as one line."""
    visible = [t for t in stage.tests if not t.test.hidden]
    parts = [_share(t, _in_view(stage, t, True)) for t in visible]
    earned = sum((e for e, _ in parts), Fraction(0))
    most = sum((m for _, m in parts), Fraction(0))
    out = [f"{stage.stage.title}   {score_text(earned, most)}"]
    if stage.not_run:
        out.append(f"  not run: {stage.not_run}")
    for test, (got, top) in zip(visible, parts):
        marks = ", ".join(f"{p} {test.marks[p]}" for p in _in_view(stage, test, True))
        out.append(f"  {score_text(got, top)}  {test.test.name}  {marks}")
    if most < stage.max_score:
        out.append(f"  {score_text(stage.score - earned, stage.max_score - most)}  hidden tests and machines "
                   "(shown after grades are published)")
    return out


def gradescope(grade: Grade) -> dict:
    """results.json. Students see, before grades are published, only what holds
    nothing hidden: each visible test's marks and runs on the visible machines
    (as its entry, with that part of its points) and one entry with the points
    of everything hidden. Hidden tests have entries of their own, published
    later. Hidden names are also masked in the text, as a second line of defence."""
    hidden = [t.test.name for s in grade.stages for t in s.tests if t.test.hidden]
    hidden += [p for s in grade.stages for p in s.stage.hidden_presets]
    tests = []
    for stage in grade.stages:
        hidden_earned, hidden_most = Fraction(0), Fraction(0)
        for test in stage.tests:
            if test.test.hidden:
                hidden_earned += test.score
                hidden_most += test.test.points
                tests.append({
                    "name": test.test.name,
                    "score": round(float(test.score), 4),
                    "max_score": test.test.points,
                    "status": "passed" if test.passed else "failed",
                    "output": _test_output(stage, test),
                    "visibility": "after_published",
                })
                continue
            presets = _in_view(stage, test, True)
            earned, most = _share(test, presets)
            hidden_earned += test.score - earned
            hidden_most += Fraction(test.test.points) - most
            tests.append({
                "name": test.test.name,
                "score": round(float(earned), 4),
                "max_score": round(float(most), 4),
                "status": "passed" if all(test.marks[p] is Mark.OK for p in presets) else "failed",
                "output": _redact(_test_output(stage, test, student=True), hidden),
                "visibility": "visible",
            })
        if hidden_most:
            tests.append({
                "name": f"{stage.stage.label}: hidden tests and machines",
                "score": round(float(hidden_earned), 4),
                "max_score": round(float(hidden_most), 4),
                "status": "passed" if hidden_earned == hidden_most else "failed",
                "output": "Tests and machines the instructor keeps hidden until grades are published.",
                "visibility": "visible",
            })
    summary = header_lines(grade)
    for stage in grade.stages:
        summary += [""] + _student_stage_lines(stage)
    return {
        "score": round(float(grade.score), 4),
        "execution_time": round(grade.duration),
        "output": _redact("\n".join(summary).strip(), hidden),
        "tests": tests,
    }


def junit(grade: Grade) -> str:
    suites = ElementTree.Element("testsuites", name="proxima labs",
                                tests="0", failures="0", time=f"{grade.duration:.3f}")
    total = failures = 0
    for stage in grade.stages:
        suite = ElementTree.SubElement(suites, "testsuite", name=stage.stage.title)
        properties = ElementTree.SubElement(suite, "properties")
        for name, value in (("lab", stage.stage.lab), ("score", float(stage.score)),
                            ("max_score", float(stage.max_score))):
            ElementTree.SubElement(properties, "property", name=name, value=str(value))
        count = failed = 0
        for test in stage.tests:
            for preset, mark in test.marks.items():
                run = test.runs.get(preset)
                case = ElementTree.SubElement(
                    suite, "testcase", classname=stage.stage.label,
                    name=f"{test.test.name} [{preset}]",
                    time=f"{run.end.duration:.3f}" if run else "0")
                count += 1
                if preset in test.details:
                    failed += 1
                    failure = ElementTree.SubElement(case, "failure", type=mark.name.lower(),
                                                     message=_xml(test.details[preset]))
                    failure.text = _xml(_failure_text(grade, stage, run))
        suite.set("tests", str(count))
        suite.set("failures", str(failed))
        suite.set("errors", "0")
        total, failures = total + count, failures + failed
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    ElementTree.indent(suites)
    return ElementTree.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _xml(text: str) -> str:
    """Serial output may hold bytes XML 1.0 cannot carry (escapes, NULs): show them as '?'."""
    return NOT_XML.sub("?", text)


def _failure_text(grade: Grade, stage: StageGrade, run) -> str:
    if run is not None:
        return report.format_details(run)
    return "\n".join([f"not run: {stage.not_run}"] + header_lines(grade))


def classroom(stages: list[Stage]) -> dict:
    tests = []
    for stage in stages:
        minutes = math.ceil((CLASSROOM_BUILD_MINUTES * 60
                             + len(stage.presets) * stage.limits.timeout_seconds) / 60)
        for test in stage.tests:
            if test.hidden:
                continue
            tests.append({
                "name": test.name,
                "setup": "bash scripts/setup.sh",
                "run": f"make grade-one LAB={stage.lab} TEST={test.name}",
                "input": "",
                "output": "",
                "comparison": "included",
                "timeout": min(minutes, CLASSROOM_MAX_MINUTES),
                "points": test.points,
            })
    return {"tests": tests}
