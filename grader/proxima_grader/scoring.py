"""Scoring a lab stage: one boot per preset with all the stage's tests, then points.

(One boot per preset and group of tests that share their boot modules and
kind, to be exact: a stage whose tests all boot the kernel alone, as every
kernel-level lab's do, boots once per preset; a user-level test (l4.*, run
by the root task among its modules) boots apart from the kernel's tests.
Stage.boot_groups says which tests share a boot.)

Each test's points are split evenly over the stage's presets (or the ones its
stage entry names: Stage.presets_of); a (test, preset)
pair earns its share when the test PASSed in that preset's run. Tests that
passed before a later panic or hang in the same run still count: their
lines carried the run's nonce. A run whose output cannot be trusted
(another nonce, a result replayed or reported twice, output past the cap;
see Outcome.trusted) earns nothing at all. The stage's score is the sum.
Shares are added as fractions, so 3 presets of 10/3 points make exactly 10.

A submission with hidden tests is graded in two sets of boots, so that what
a student sees can hold nothing hidden: the visible tests on the visible
presets boot a kernel built without the hidden tests; every hidden test, and
every test on a hidden preset, boots the kernel with them (`hidden_setup`).
Each (test, preset) pair is marked from the run it was part of.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

from . import evidence
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
    runs: dict[str, RunResult] = field(default_factory=dict)  # preset name -> the run that marked it

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
        """The preset's run; of a split stage, the one with the visible tests."""
        runs = [r for r in self.runs if r.spec.preset.name == preset]
        visible = [r for r in runs if any(r is v for v in self.visible_runs)]
        return (visible or runs or [None])[0]

    @property
    def visible_runs(self) -> list[RunResult]:
        """The runs a student may see: those that held no hidden test or preset."""
        hidden = {id(run) for t in self.tests for p, run in t.runs.items() if self.stage.is_hidden(t.test, p)}
        return [run for run in self.runs if id(run) not in hidden]


def _spec(stage: Stage, preset, tests, modules: tuple[str, ...]) -> RunSpec:
    cpus, nodes = machine_shape(preset, stage.kargs)
    return RunSpec(preset, tuple(t.name for t in tests), stage.kargs, (), cpus, nodes, stage.limits,
                   stage.label, modules)


def stage_specs(stage: Stage, split: bool = False) -> list[tuple[RunSpec, bool]]:
    """(spec, boots the kernel with the hidden tests) for every boot of the stage:
    one per preset and boot group (Stage.boot_groups) with all its tests, or,
    split, the visible and the hidden pairs of each in boots of their own."""
    specs = []
    for preset in stage.presets:
        here = [t for t in stage.tests if preset in stage.presets_of(t)]
        for modules, tests in stage.boot_groups(here):
            if not split:
                specs.append((_spec(stage, preset, tests, modules), False))
                continue
            visible = [t for t in tests if not stage.is_hidden(t, preset.name)]
            hidden = [t for t in tests if stage.is_hidden(t, preset.name)]
            if visible:
                specs.append((_spec(stage, preset, visible, modules), False))
            if hidden:
                specs.append((_spec(stage, preset, hidden, modules), True))
    return specs


def score_stage(stage: Stage, runs: list[RunResult], missing: str = "not run") -> StageGrade:
    """Marks and points from the stage's runs (each test is in one run per
    preset; a pair no run held is marked not run, for `missing`)."""
    tests = []
    for test in stage.tests:
        marks, details, used = {}, {}, {}
        presets = stage.presets_of(test)
        for preset in presets:
            run = next((r for r in runs if r.spec.preset.name == preset.name and test.name in r.spec.tests), None)
            if run is None:
                marks[preset.name], details[preset.name] = Mark.NOT_RUN, missing
                continue
            marks[preset.name], why = _mark(test, run, stage)
            used[preset.name] = run
            if why:
                details[preset.name] = why
        earned = sum(mark is Mark.OK for mark in marks.values())
        share = Fraction(test.points) / len(presets)
        tests.append(TestGrade(test, marks, details, share * earned, used))
    return StageGrade(stage, tests, runs)


def _mark(test: StageTest, run: RunResult, stage: Stage) -> tuple[Mark, str]:
    name = test.name
    outcome = run.outcome
    result = outcome.tests.get(name)
    if result is not None and result.state is TestState.PASS:
        if outcome.trusted and test.evidence:
            why = evidence.check(test.evidence, list(result.evidence), run.spec.preset, stage.kargs)
            if why:
                return Mark.FAIL, f"PASS, but its evidence does not hold: {why}"
        broken = next((p.message for p in outcome.problems if p.broken_kernel), None)
        if outcome.trusted and broken:
            return Mark.FAIL, f"PASS, but at the end of the run {broken}"
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
    tests = [TestGrade(test, {p.name: Mark.NOT_RUN for p in stage.presets_of(test)},
                       {p.name: why for p in stage.presets_of(test)}, Fraction(0))
             for test in stage.tests]
    return StageGrade(stage, tests, [], why)


def grade_stages(stages: list[Stage], setup: QemuSetup, jobs: int,
                 on_done: Callable[[RunResult], None] | None = None,
                 cancel=None, hidden_setup: QemuSetup | None = None, split: bool = False,
                 hidden_failed: str = "") -> list[StageGrade]:
    """Boot every stage's presets and score them, all in one pool of `jobs`
    QEMUs. `split`: the hidden pairs boot apart, on `hidden_setup` (the kernel
    with the hidden tests); without one they are not run, for `hidden_failed`."""
    specs = [stage_specs(stage, split) for stage in stages]
    flat = [item for group in specs for item in group]
    visible = iter(run_many([spec for spec, hidden in flat if not hidden], setup, jobs, on_done, cancel))
    hidden = iter(run_many([spec for spec, hidden in flat if hidden], hidden_setup, jobs, on_done, cancel)
                  if hidden_setup is not None else [])
    grades = []
    for stage, group in zip(stages, specs):
        runs = [run for run in (next(hidden, None) if is_hidden else next(visible) for _, is_hidden in group)
                if run is not None]
        grades.append(score_stage(stage, runs, hidden_failed or "not run"))
    return grades
