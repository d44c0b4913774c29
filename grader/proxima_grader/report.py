"""Reports for people (text) and for programs (JSON).

Every run gets one verdict line. A failed run also gets: why, what a passing
run would have shown, the problems found, the serial lines that matter (the
PANIC block, the lines around the first failed check, or the last lines
before a hang), the lab code's own `lab| ` lines (lab_printf, so a student
sees their debug output next to the failure), and the commands that rerun
and debug it alone. Runs that failed the same way on several machines (the
same panic: panic_signature) can share one report (format_details(first,
others)). Lab grades (lab_report.py, exports.py) reuse format_details and
run_to_dict.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Sequence

from .qemu import Ending
from .runner import RunResult
from .serial import Line
from .verdict import Verdict

TAIL_LINES = 20
PANIC_LINES = 40     # a PANIC line, its register dump and backtrace
CONTEXT_LINES = 8    # around the first failed check
MAX_PROBLEMS = 20
LAB_PREFIX = "lab|"  # lab_printf's lines (kernel/lib/lab.h); protocol.py never reads them
LAB_FIRST = 10       # lab_printf lines shown: the first LAB_FIRST and the last LAB_LAST
LAB_LAST = 20


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
    not_kept = result.line_count - len(result.lines)
    return text + (f" ({not_kept} not kept)" if result.truncated else "")


def excerpt(result: RunResult) -> list[Line]:
    """The serial lines that explain the verdict."""
    lines, outcome = result.lines, result.outcome
    focus = next((i for i, line in enumerate(lines) if line.number == outcome.focus_line), None)
    if focus is None:
        return lines[-TAIL_LINES:]
    if outcome.verdict.panicked:
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


def lab_lines(result: RunResult) -> list[Line]:
    """The kept lines that lab code printed with lab_printf."""
    return [line for line in result.lines if line.text.lstrip().startswith(LAB_PREFIX)]


def lab_excerpt(result: RunResult, skip: frozenset[int] = frozenset()
                ) -> tuple[list[Line], int, int]:
    """(lab| lines to show, how many there are, how many are cut from the middle):
    all, or the first LAB_FIRST and the last LAB_LAST; lines numbered in `skip`
    (shown elsewhere) are left out before cutting."""
    lines = lab_lines(result)
    count = len(lines)
    lines = [line for line in lines if line.number not in skip]
    if len(lines) <= LAB_FIRST + LAB_LAST:
        return lines, count, 0
    return lines[:LAB_FIRST] + lines[-LAB_LAST:], count, len(lines) - LAB_FIRST - LAB_LAST


def format_lab_lines(result: RunResult, shown_above: list[Line] = ()) -> list[str]:
    """The lab_printf section of a failure report; lines already in the serial
    excerpt (`shown_above`) are not repeated."""
    above = frozenset(line.number for line in shown_above)
    shown, count, cut = lab_excerpt(result, above)
    if not count:
        return []
    repeated = count - len(shown) - cut
    if not shown:
        return [f"your lab_printf output: {count} line{'s' * (count != 1)}, "
                "all in the serial output above"]
    notes = [f"{count} line{'s' * (count != 1)}"]
    if repeated:
        notes.append(f"{repeated} of them in the serial output above")
    if cut:
        notes.append(f"{cut} cut from the middle")
    out = [f"your lab_printf output ({', '.join(notes)}):"]
    for index, line in enumerate(shown):
        if cut and index == LAB_FIRST:
            out.append(f"  {'':5} ... {cut} more lab| lines cut (the rerun command shows them all)")
        out.append("  " + line.format())
    return out


_CPU = re.compile(r"\b(cpu[= ])\d+")
_HEX = re.compile(r"\b0x[0-9a-fA-F]+\b|\b(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{8}\b")


def normalize(text: str) -> str:
    """`text` with CPU numbers and addresses blanked: what machines can differ in."""
    return _HEX.sub("<addr>", _CPU.sub(r"\1<n>", text))


def panic_signature(result: RunResult) -> tuple | None:
    """What makes two panicked runs the same failure, or None if `result` did not panic.

    The same PANIC message during the same test, and the same problems,
    once CPU numbers and addresses are blanked; the same tests and options.
    """
    outcome = result.outcome
    if not outcome.verdict.panicked:
        return None
    spec = result.spec
    return (spec.label, spec.tests, spec.kargs, normalize(outcome.reason),
            tuple(normalize(p.message) for p in _shown_problems(result)))


def _shown_problems(result: RunResult):
    problems = result.outcome.problems
    if result.outcome.verdict is not Verdict.FAILED_CHECK:
        # The run stopped early: lines it never reached are no news.
        problems = [p for p in problems if not p.missing]
    return problems


def format_details(result: RunResult, same: Sequence[RunResult] = ()) -> str:
    """The failure report of `result`; `same` are runs on other machines that failed
    the same way (panic_signature): they are named, with a rerun command each,
    instead of repeating the report."""
    outcome = result.outcome
    if same:
        runs = [result, *same]
        names = ", ".join(r.spec.preset.name for r in runs)
        first = result.spec.preset.name
        out = [f"--- FAIL {result.spec.describe(preset=False)}: {outcome.verdict}, "
               f"the same on {len(runs)} machines: {names}",
               f"why:      {outcome.reason}" + (f"  (on {first})" if any(
                   r.outcome.reason != outcome.reason for r in same) else ""),
               f"expected: {outcome.expected}" + (f"  (on {first})" if any(
                   r.outcome.expected != outcome.expected for r in same) else ""),
               f"got:      {how_it_ended(result)} (on {first})"]
    else:
        out = [f"--- FAIL {result.spec.describe()}: {outcome.verdict}",
               f"why:      {outcome.reason}",
               f"expected: {outcome.expected}",
               f"got:      {how_it_ended(result)}"]
    if result.end.vcpus:
        out.append(f"vCPUs when QEMU was stopped{' (' + result.spec.preset.name + ')' if same else ''}:")
        out += ["  " + line for line in result.end.vcpus]
    problems = _shown_problems(result)
    if problems:
        out.append("problems:")
        for problem in problems[:MAX_PROBLEMS]:
            at = f" (line {problem.line})" if problem.line is not None else ""
            out.append(f"  - {problem.message}{at}")
            out += [f"      {detail}" for detail in problem.detail]
        if len(problems) > MAX_PROBLEMS:
            out.append(f"  ... and {len(problems) - MAX_PROBLEMS} more")
    shown = excerpt(result)
    on = f" of {result.spec.preset.name}" if same else ""
    if shown:
        out.append(f"serial output{on}, lines {shown[0].number}-{shown[-1].number} "
                   f"of {result.line_count} (line [seconds] text):")
        out += format_lines(shown, outcome.focus_line)
    else:
        out.append(f"serial output{on}: (none)")
    out += format_lab_lines(result, shown)
    stderr = result.end.stderr.strip().splitlines()
    if stderr:
        out.append("qemu stderr:")
        out += ["  " + line for line in stderr[-TAIL_LINES:]]
    commands = result.commands()
    if same:
        width = max(len(r.spec.preset.name) for r in (result, *same)) + 1
        out.append("rerun alone, one machine each:")
        out += [f"  {r.spec.preset.name + ':':<{width}} {r.commands()['make']}"
                for r in (result, *same)]
        out += [f"qemu ({result.spec.preset.name}):", "  " + commands["qemu"],
                f"debug ({result.spec.preset.name}):", "  " + commands["debug"]]
    else:
        out += ["rerun alone:", "  " + commands["make"], "  " + commands["qemu"],
                "debug:", "  " + commands["debug"]]
    if "replay" in commands:
        out += ["this run was recorded (--record): replay it exactly, under GDB, backwards too "
                "(docs/debugging.md):", "  " + commands["replay"]]
    elif "record" in commands:
        out += ["record it once, replay it exactly (one CPU; docs/debugging.md):", "  " + commands["record"]]
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
    lab_shown, lab_count, lab_cut = lab_excerpt(result)
    return {
        "label": spec.label,
        "preset": spec.preset.name,
        "tests": list(spec.tests),
        "kargs": list(spec.kargs),
        "modules": list(result.modules),
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
        "vcpus": list(end.vcpus),
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
        "lab_printf": {  # the lines lab code printed, cut as in the text report
            "count": lab_count,
            "cut": lab_cut,
            "lines": [{"number": l.number, "time": round(l.time, 3), "text": l.text}
                      for l in lab_shown],
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
        header += [f"# {line}" for line in result.end.vcpus]
        path.write_text("\n".join(header + format_lines(result.lines)) + "\n")
        paths.append(path)
    return paths
