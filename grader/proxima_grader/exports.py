"""A lab grade in the formats other tools read: Gradescope, JUnit, GitHub Classroom.

Gradescope (results.json of its autograder spec): the total score, and one
entry per stage test with its score, max_score, status, output and
visibility; hidden tests are "after_published", and outputs students see
before then name them only as <hidden test>.
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

from . import report
from .grading import Grade
from .lab_report import failed_marks, header_lines, marks_text, stage_lines, why_lines
from .labs import Stage
from .scoring import StageGrade, TestGrade

HIDDEN_NAME = "<hidden test>"
CLASSROOM_BUILD_MINUTES = 10      # allowance for building the kernel, per test
CLASSROOM_MAX_MINUTES = 60        # the longest timeout Classroom accepts
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _redact(text: str, hidden: list[str]) -> str:
    for name in sorted(hidden, key=len, reverse=True):
        text = text.replace(name, HIDDEN_NAME)
    return text


def _test_output(stage: StageGrade, test: TestGrade) -> str:
    out = [test.test.description] if test.test.description else []
    out.append(marks_text(test))
    if stage.not_run:
        out.append(f"not run: {stage.not_run}")
        return "\n".join(out)
    out += why_lines(test)
    for preset in failed_marks(test):
        run = stage.run_for(preset)
        if run is not None and not run.passed:
            out += ["", report.format_details(run)]
    return "\n".join(out)


def gradescope(grade: Grade) -> dict:
    hidden = [t.test.name for s in grade.stages for t in s.tests if t.test.hidden]
    tests = []
    for stage in grade.stages:
        for test in stage.tests:
            output = _test_output(stage, test)
            tests.append({
                "name": test.test.name,
                "score": round(float(test.score), 4),
                "max_score": test.test.points,
                "status": "passed" if test.passed else "failed",
                "output": output if test.test.hidden else _redact(output, hidden),
                "visibility": "after_published" if test.test.hidden else "visible",
            })
    summary = header_lines(grade)
    for stage in grade.stages:  # scores of hidden tests stay hidden until published
        summary += [""] + stage_lines(stage, hidden=False)
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
                run = stage.run_for(preset)
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
