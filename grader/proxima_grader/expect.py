"""Checks on the serial output beyond the test protocol.

ExpectBlock: these lines must appear, consecutively and exactly (trailing
blanks ignored), e.g. the topology block a preset must produce.
ExpectRegex: some line must match this regular expression (re.search).
When a block is missing, the report shows it beside the output lines that
look most like it, as a diff.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from .serial import Line
from .verdict import Problem


class Expectation:
    def check(self, lines: list[Line]) -> Problem | None:
        """None if the output meets the expectation, else what is wrong."""
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class ExpectBlock(Expectation):
    lines: tuple[str, ...]
    source: str = ""  # where the block came from, e.g. a file name

    def check(self, lines: list[Line]) -> Problem | None:
        want = [text.rstrip() for text in self.lines]
        have = [line.text.rstrip() for line in lines]
        if not want:
            return None
        best_start, best_score = None, -1
        for start in _candidate_starts(want[0], have):
            window = have[start:start + len(want)]
            score = sum(a == b for a, b in zip(want, window))
            if score == len(want):
                return None
            if score > best_score:
                best_start, best_score = start, score
        name = f" ({self.source})" if self.source else ""
        if best_start is None:
            detail = ("expected:",) + tuple("  " + text for text in want) + (
                "found no line that starts like the block's first line",)
            return Problem(f"expected block{name} not in the output", None, detail)
        actual = have[best_start:best_start + len(want)]
        diff = difflib.unified_diff(want, actual, "expected", "actual output",
                                    lineterm="", n=len(want))
        return Problem(f"expected block{name} differs from the output",
                       lines[best_start].number, tuple(diff))

    def describe(self) -> str:
        return f"block {self.source or repr(self.lines[0])}"


def _candidate_starts(first: str, have: list[str]) -> list[int]:
    """Where the block may begin: exact first-line matches, else same first word."""
    exact = [i for i, text in enumerate(have) if text == first]
    if exact:
        return exact
    words = first.split()
    if not words:
        return []
    return [i for i, text in enumerate(have) if text.split()[:1] == words[:1]]


@dataclass(frozen=True)
class ExpectRegex(Expectation):
    pattern: str

    def __post_init__(self):
        re.compile(self.pattern)  # raises re.error early, at spec time

    def check(self, lines: list[Line]) -> Problem | None:
        regex = re.compile(self.pattern)
        if any(regex.search(line.text) for line in lines):
            return None
        return Problem(f"no output line matches /{self.pattern}/")

    def describe(self) -> str:
        return f"a line matching /{self.pattern}/"


def load_block(path: Path | str) -> ExpectBlock:
    """An expected block from a file: its lines, trailing blank lines dropped."""
    lines = Path(path).read_text().splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    return ExpectBlock(tuple(lines), str(path))
