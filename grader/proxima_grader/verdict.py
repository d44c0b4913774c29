"""The vocabulary of a run's outcome: verdict kinds, problems, test results."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Verdict(enum.Enum):
    """How a run ended, most telling first when several apply.

    A panic that is followed by silence (or by a flood) is reported as a
    panic, not a hang; checks on the output only decide between PASS and
    FAILED_CHECK. A flood's output is not all kept, so it earns nothing.
    """
    QEMU_ERROR = "qemu error"      # QEMU did not start, rejected its options, or crashed
    PANIC = "kernel panic"         # a PANIC line, or kernel status 0x12
    USER_PANIC = "user-level panic"  # a `PANIC user:` line: a user program stopped the run
                                     # (l4::lab_missing in a hole of a user-level lab)
    TRIPLE_FAULT = "triple fault"  # the CPU reset (QEMU exit 0 under -no-reboot)
    FLOOD = "output flood"         # serial output passed the cap; killed at once
    HANG = "hang"                  # no serial output for hang_seconds; killed
    TIMEOUT = "timeout"            # output kept coming past the wall-clock limit; killed
    FAILED_CHECK = "failed check"  # the kernel ran to the end, but something is wrong
    PASS = "pass"

    def __str__(self) -> str:
        return self.value

    @property
    def panicked(self) -> bool:
        return self in (Verdict.PANIC, Verdict.USER_PANIC)


class TestState(enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    UNFINISHED = "unfinished"  # START seen, no result (the test crashed or hung)
    MISSING = "missing"        # never started

    def __str__(self) -> str:
        return self.value


@dataclass
class TestResult:
    name: str
    state: TestState
    message: str = ""
    line: int | None = None  # serial line number of the result, or of the START
    evidence: tuple[str, ...] = ()  # its EVIDENCE lines' texts, in order (evidence.py checks them)


@dataclass
class Problem:
    """One thing wrong with a run, tied to the serial line that shows it."""
    message: str
    line: int | None = None
    detail: tuple[str, ...] = ()  # extra lines for the report, e.g. expected vs actual
    missing: bool = False         # an expected line never came (expected after a crash)
    voids_run: bool = False       # the output cannot be trusted (forged, replayed,
                                  # duplicated or cut): no test of the run earns credit
    broken_kernel: bool = False   # the kernel's invariant checker found an inconsistency
                                  # (KCHECK violation): no test of the run earns credit


@dataclass
class Outcome:
    verdict: Verdict
    reason: str                                # one line: why this verdict
    expected: str                              # one line: what a passing run looks like
    problems: list[Problem] = field(default_factory=list)
    tests: dict[str, TestResult] = field(default_factory=dict)
    focus_line: int | None = None              # serial line the report centres on

    @property
    def passed(self) -> bool:
        return self.verdict is Verdict.PASS

    @property
    def trusted(self) -> bool:
        """False when some test result of this run may not be the kernel's own."""
        return not any(p.voids_run for p in self.problems)
