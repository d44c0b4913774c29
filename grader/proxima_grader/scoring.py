"""Scoring a lab stage: one boot per preset with all the stage's tests, then points.

Each test's points are split evenly over the stage's presets; a (test, preset)
pair earns its share when the test PASSed in that preset's run. Tests that
passed before a later panic or hang in the same run still count: their
lines carried the run's nonce. A run whose output cannot be trusted
(another nonce, a result replayed or reported twice, output past the cap;
see Outcome.trusted) earns nothing at all. The stage's score is the sum.
Shares are added as fractions, so 3 presets of 10/3 points make exactly 10.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

from .labs import Stage, StageTest
from .qemu import QemuSetup
from .runner import RunResult, run_many
from .spec import RunSpec, machine_shape
from .verdict import TestState, Verdict


class Mark(enum.Enum):
    OK = "ok"
    FAIL = "FAIL"          # the test failed, crashed, or never ran in this boot
    VOID = "VOID"          # the test passed, but the run's output cannot be trusted
    NOT_RUN = "not run"    # no boot: the kernel did not build, or the submission was refused

    def __str__(self) -> str:
        return self.value


@dataclass
class TestGrade:
    test: StageTest
    marks: dict[str, Mark]     # preset name -> mark, in the stage's preset order
    details: dict[str, str]    # preset name -> why it is not ok (one line)
    score: Fraction

    @property
    def passed(self) -> bool:
        return all(mark is Mark.OK for mark in self.marks.values())


@dataclass
class StageGrade:
    stage: Stage
    tests: list[TestGrade]
    runs: list[RunResult] = field(default_factory=list)  # one per preset, when booted
    not_run: str = ""   # why nothing was booted (the build failed, ...)

    @property
    def score(self) -> Fraction:
        return sum((t.score for t in self.tests), Fraction(0))

    @property
    def max_score(self) -> Fraction:
        return sum((Fraction(t.points) for t in self.stage.tests), Fraction(0))

    @property
    def passed(self) -> bool:
        return not self.not_run and all(t.passed for t in self.tests)

    def run_for(self, preset: str) -> RunResult | None:
        return next((r for r in self.runs if r.spec.preset.name == preset), None)


def stage_specs(stage: Stage) -> list[RunSpec]:
    names = tuple(test.name for test in stage.tests)
    specs = []
    for preset in stage.presets:
        cpus, nodes = machine_shape(preset, stage.kargs)
        specs.append(RunSpec(preset, names, stage.kargs, (), cpus, nodes, stage.limits,
                             stage.label))
    return specs


def score_stage(stage: Stage, runs: list[RunResult]) -> StageGrade:
    """Marks and points from one run per preset (in the order of stage.presets)."""
    tests = []
    for test in stage.tests:
        marks, details = {}, {}
        for preset, run in zip(stage.presets, runs):
            marks[preset.name], why = _mark(test.name, run)
            if why:
                details[preset.name] = why
        earned = sum(mark is Mark.OK for mark in marks.values())
        share = Fraction(test.points) / len(stage.presets)
        tests.append(TestGrade(test, marks, details, share * earned))
    return StageGrade(stage, tests, runs)


def _mark(name: str, run: RunResult) -> tuple[Mark, str]:
    outcome = run.outcome
    result = outcome.tests.get(name)
    if result is not None and result.state is TestState.PASS:
        if outcome.trusted:
            return Mark.OK, ""
        untrusted = next(p.message for p in outcome.problems if p.voids_run)
        return Mark.VOID, f"run not trusted: {untrusted}"
    if result is not None and result.state is TestState.FAIL:
        return Mark.FAIL, f"FAIL {result.message or '(no message)'}"
    if result is not None and result.state is TestState.UNFINISHED:
        return Mark.FAIL, f"{outcome.verdict}: {outcome.reason}"
    if outcome.verdict in (Verdict.PASS, Verdict.FAILED_CHECK):
        return Mark.FAIL, "never started"
    return Mark.FAIL, f"never started: {outcome.verdict} before it"


def not_run(stage: Stage, why: str) -> StageGrade:
    """A stage that could not boot at all: every pair is marked not run, 0 points."""
    tests = [TestGrade(test, {p.name: Mark.NOT_RUN for p in stage.presets},
                       {p.name: why for p in stage.presets}, Fraction(0))
             for test in stage.tests]
    return StageGrade(stage, tests, [], why)


def grade_stages(stages: list[Stage], setup: QemuSetup, jobs: int,
                 on_done: Callable[[RunResult], None] | None = None,
                 cancel=None) -> list[StageGrade]:
    """Boot every stage's presets, all in one pool of `jobs` QEMUs, and score them."""
    specs = [stage_specs(stage) for stage in stages]
    results = run_many([s for group in specs for s in group], setup, jobs, on_done, cancel)
    grades, start = [], 0
    for stage, group in zip(stages, specs):
        grades.append(score_stage(stage, results[start:start + len(group)]))
        start += len(group)
    return grades
