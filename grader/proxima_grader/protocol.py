"""The kernel's structured serial lines, as the grader reads them.

    KTEST <nonce> <name> START              a self-test begins
    KTEST <nonce> <name> PASS               ... and passed
    KTEST <nonce> <name> FAIL <message>     ... or failed
    KTEST <nonce> <name> EVIDENCE <words>   values the grader checks itself (evidence.py)
    KTEST <nonce> summary passed=<n> failed=<m>
    KTEST <nonce> available <name>          test=list: a test exists (ignored)
    BOOT <nonce> complete cpus=<n> nodes=<m>
    KCHECK <nonce> violation <what>         the kernel's invariant checker found
                                            an inconsistency (kernel/syscall/kcheck.h)
    KCHECK <nonce> done violations=<n> ...  ... and ended (informational)
    PANIC cpu=<n>: <message>                then registers and a backtrace
    PANIC user: <message>                   a user program stopped the run
                                            (l4::lab_missing, userland/lib/l4/lab.h)

<nonce> is the random token the grader put on this run's kernel command
line, so output copied from an earlier run, or printed by code that does not
know the token, is told apart from what this kernel said now. A structured
line must start the line (leading blanks allowed); any other line is
informational.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .serial import Line

_KTEST = re.compile(r"KTEST\s+(\S+)\s*(.*)")
_BOOT = re.compile(r"BOOT\s+(\S+)\s+(complete\b.*)")
_SUMMARY = re.compile(r"summary\s+passed=(\d+)\s+failed=(\d+)")
_RESULT = re.compile(r"(\S+)\s+(START|PASS|FAIL)(?:\s+(.*))?")
_EVIDENCE = re.compile(r"(\S+)\s+EVIDENCE\s+(.*)")
_COMPLETE = re.compile(r"complete\s+cpus=(\d+)\s+nodes=(\d+)")
_KCHECK = re.compile(r"KCHECK\s+(\S+)\s+(violation|done)\b\s*(.*)")
_PANIC = re.compile(r"PANIC\b")
_USER_PANIC = re.compile(r"PANIC user:")


@dataclass(frozen=True)
class Event:
    """One structured line. kind: start, pass, fail, summary, boot, panic, malformed."""
    kind: str               # start, pass, fail, evidence, summary, boot, violation, panic, malformed
                            # (a user program's panic: kind panic, name "user")
    line: Line
    nonce: str = ""
    name: str = ""          # test name, for start/pass/fail
    message: str = ""       # FAIL or PANIC message; for malformed, what was wrong
    counts: tuple[int, int] = (0, 0)  # summary: (passed, failed); boot: (cpus, nodes)


def parse_line(line: Line) -> Event | None:
    text = line.text.strip()
    if _PANIC.match(text):
        return Event("panic", line, name="user" if _USER_PANIC.match(text) else "", message=text)
    ktest = _KTEST.fullmatch(text)
    if ktest:
        nonce, rest = ktest.groups()
        summary = _SUMMARY.fullmatch(rest)
        if summary:
            return Event("summary", line, nonce, counts=(int(summary[1]), int(summary[2])))
        if rest.startswith("available "):
            return None
        evidence = _EVIDENCE.fullmatch(rest)
        if evidence:
            return Event("evidence", line, nonce, evidence[1], evidence[2])
        result = _RESULT.fullmatch(rest)
        if result and (result[2] == "FAIL" or not result[3]):
            return Event(result[2].lower(), line, nonce, result[1], result[3] or "")
        return Event("malformed", line, nonce, message="not a KTEST START/PASS/FAIL/summary line")
    kcheck = _KCHECK.fullmatch(text)
    if kcheck:
        nonce, what, rest = kcheck.groups()
        return Event("violation", line, nonce, message=rest) if what == "violation" else None
    boot = _BOOT.fullmatch(text)
    if boot:
        nonce, rest = boot.groups()
        complete = _COMPLETE.fullmatch(rest)
        if complete:
            return Event("boot", line, nonce, counts=(int(complete[1]), int(complete[2])))
        return Event("malformed", line, nonce, message="not a 'BOOT <nonce> complete' line")
    return None


def parse(lines: list[Line]) -> list[Event]:
    return [event for event in map(parse_line, lines) if event is not None]
