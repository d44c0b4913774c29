"""Reports for people (text) and for programs (JSON).

Every run gets one verdict line. A failed run also gets: why, what a passing
run would have shown, the problems found, the serial lines that matter (the
PANIC block, the lines around the first failed check, or the last lines
before a hang), and the commands that rerun and debug it alone.
Lab grades (lab_report.py, exports.py) reuse format_details and run_to_dict.
"""

from __future__ import annotations

import json
from pathlib import Path

from .qemu import Ending
from .runner import RunResult
from .serial import Line
from .verdict import Verdict

TAIL_LINES = 20
PANIC_LINES = 40     # a PANIC line, its register dump and backtrace
CONTEXT_LINES = 8    # around the first failed check
MAX_PROBLEMS = 20


def verdict_line(result: RunResult) -> str:
    outcome = result.outcome
    head = f"{'PASS' if outcome.passed else 'FAIL'}  {result.spec.describe()} " \
           f"({result.end.duration:.1f} s)"
    return head if outcome.passed else f"{head}: {outcome.verdict}: {outcome.reason}"


def how_it_ended(result: RunResult) -> str:
    end = result.end
    if end.ending is Ending.NOT_STARTED:
        return end.error
    if end.ending is Ending.EXITED:
        status = ""
        if end.exit_code is not None and end.exit_code > 1 and end.exit_code % 2:
            status = f" (kernel status {end.exit_code >> 1:#x})"
        text = f"QEMU exit {end.exit_code}{status} after {end.duration:.1f} s"
    else:
        text = f"QEMU {end.ending.value} after {end.duration:.1f} s"
    text += f"; {result.line_count} lines of serial output"
    return text + (" (truncated)" if result.truncated else "")


def excerpt(result: RunResult) -> list[Line]:
    """The serial lines that explain the verdict."""
    lines, outcome = result.lines, result.outcome
    focus = next((i for i, line in enumerate(lines) if line.number == outcome.focus_line), None)
    if focus is None:
        return lines[-TAIL_LINES:]
    if outcome.verdict is Verdict.PANIC:
        return lines[max(0, focus - 3):focus + PANIC_LINES]
    return lines[max(0, focus - CONTEXT_LINES):focus + CONTEXT_LINES + 1]


def format_lines(lines: list[Line], focus: int | None = None) -> list[str]:
    out, previous = [], None
    for line in lines:
        if previous is not None and line.number > previous + 1:
            out.append(f"  {'':5} ... {line.number - previous - 1} lines not kept")
        marker = ">" if line.number == focus else " "
        out.append(f"{marker} {line.format()}")
        previous = line.number
    return out


def format_details(result: RunResult) -> str:
    outcome = result.outcome
    out = [f"--- FAIL {result.spec.describe()}: {outcome.verdict}",
           f"why:      {outcome.reason}",
           f"expected: {outcome.expected}",
           f"got:      {how_it_ended(result)}"]
    problems = outcome.problems
    if outcome.verdict is not Verdict.FAILED_CHECK:
        # The run stopped early: lines it never reached are no news.
        problems = [p for p in problems if not p.missing]
    if problems:
        out.append("problems:")
        for problem in problems[:MAX_PROBLEMS]:
            at = f" (line {problem.line})" if problem.line is not None else ""
            out.append(f"  - {problem.message}{at}")
            out += [f"      {detail}" for detail in problem.detail]
        if len(problems) > MAX_PROBLEMS:
            out.append(f"  ... and {len(problems) - MAX_PROBLEMS} more")
    shown = excerpt(result)
    if shown:
        out.append(f"serial output, lines {shown[0].number}-{shown[-1].number} "
                   f"of {result.line_count} (line [seconds] text):")
        out += format_lines(shown, outcome.focus_line)
    else:
        out.append("serial output: (none)")
    stderr = result.end.stderr.strip().splitlines()
    if stderr:
        out.append("qemu stderr:")
        out += ["  " + line for line in stderr[-TAIL_LINES:]]
    commands = result.commands()
    out += ["rerun alone:", "  " + commands["make"], "  " + commands["qemu"],
            "debug:", "  " + commands["debug"]]
    return "\n".join(out)


def format_text(results: list[RunResult]) -> str:
    """Verdict lines, then the details of every failed run, then a total."""
    out = [verdict_line(r) for r in results]
    for result in results:
        if not result.passed:
            out += ["", format_details(result)]
    failed = sum(not r.passed for r in results)
    out += ["", f"{len(results) - failed} of {len(results)} runs passed"]
    return "\n".join(out)


def run_to_dict(result: RunResult) -> dict:
    spec, outcome, end = result.spec, result.outcome, result.end
    return {
        "label": spec.label,
        "preset": spec.preset.name,
        "tests": list(spec.tests),
        "kargs": list(spec.kargs),
        "cmdline": result.cmdline,
        "nonce": result.nonce,
        "passed": outcome.passed,
        "verdict": outcome.verdict.name.lower(),
        "reason": outcome.reason,
        "expected": outcome.expected,
        "ending": end.ending.name.lower(),
        "exit_code": end.exit_code,
        "duration": round(end.duration, 3),
        "stderr": end.stderr[-4096:],
        "problems": [{"message": p.message, "line": p.line, "detail": list(p.detail)}
                     for p in outcome.problems],
        "test_results": {name: {"state": t.state.value, "message": t.message, "line": t.line}
                         for name, t in outcome.tests.items()},
        "serial": {
            "line_count": result.line_count,
            "truncated": result.truncated,
            "focus_line": outcome.focus_line,
            "excerpt": [{"number": l.number, "time": round(l.time, 3), "text": l.text}
                        for l in excerpt(result)],
        },
        "commands": result.commands(),
    }


def to_json(results: list[RunResult]) -> str:
    return json.dumps({"passed": all(r.passed for r in results),
                       "runs": [run_to_dict(r) for r in results]}, indent=2)


def write_logs(results: list[RunResult], directory: Path | str) -> list[Path]:
    """One file per run with all kept serial lines and the rerun command."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, result in enumerate(results, start=1):
        path = directory / f"{index:03d}-{result.spec.preset.name}.log"
        header = [f"# {verdict_line(result)}", f"# {result.commands()['qemu']}"]
        path.write_text("\n".join(header + format_lines(result.lines)) + "\n")
        paths.append(path)
    return paths
