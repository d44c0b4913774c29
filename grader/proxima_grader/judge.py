"""Deciding a run's verdict from how QEMU ended and what the kernel printed.

A run passes only when all of these hold:
  1. QEMU exited with 33: the kernel wrote status 0x10 (boot complete, every
     self-test passed) to the isa-debug-exit port;
  2. exactly one `BOOT <nonce> complete` line carries this run's nonce (and the
     CPU and node counts the machine has, when the spec names them);
  3. every requested self-test has exactly one START and then one PASS, all
     with this run's nonce, and no test that was not requested reports
     (a FAIL may come without START: that is how an unknown name fails);
  4. exactly one summary line, whose counts agree with the results seen;
  5. no structured line carries another nonce (that is copied or forged
     output), the output stayed under its cap and was kept whole, and the
     spec's expected blocks and regexes are found;
  6. the kernel's invariant checker, which runs when the run ends
     (kernel/syscall/kcheck.h), printed no `KCHECK <nonce> violation` line.

Output past the cap is a flood: QEMU was killed the moment it passed
(qemu.run_process), and the verdict is FLOOD unless a panic or a triple
fault came first. Only KTEST, BOOT, KCHECK and PANIC lines are read (protocol.py):
lab code's `lab| ` lines, whatever they say, never score.

Problems that make the output untrustworthy (another nonce, a PASS without
START, anything reported twice, output past the cap or not kept whole) are
marked voids_run: lab grading gives such a run no credit at all, even for
tests it shows passing.
"""

from __future__ import annotations

import signal

from . import protocol
from .qemu import Ending, ProcessEnd
from .serial import SerialCapture
from .spec import RunSpec
from .verdict import Outcome, Problem, TestResult, TestState, Verdict

EXIT_PASSED = 33    # kernel status 0x10
EXIT_FAILED = 35    # kernel status 0x11
EXIT_PANIC = 37     # kernel status 0x12
EXIT_RESET = 0      # triple fault under -no-reboot
EXIT_QEMU = 1       # QEMU could not run (bad options, missing kernel file)


def judge(spec: RunSpec, nonce: str, end: ProcessEnd, capture: SerialCapture) -> Outcome:
    lines = capture.lines()
    events = protocol.parse(lines)
    problems, tests = check_protocol(spec, nonce, events)
    problems += [p for p in (e.check(lines) for e in spec.expectations) if p]
    if capture.flooded:
        problems.append(Problem(
            f"serial output passed the {capture.cap_bytes}-byte cap after "
            f"{capture.flooded_at:.1f} s: an output flood, QEMU killed "
            f"({capture.dropped} lines not kept)", voids_run=True))
    elif capture.truncated:
        problems.append(Problem(
            f"serial output too long to keep whole: {capture.dropped} lines not kept",
            voids_run=True))
    problems += _exit_problems(end)

    panic = next((e for e in events if e.kind == "panic"), None)
    verdict, reason = _classify(spec, end, capture, panic, problems)
    running = _running_test(tests)
    if running and (verdict.panicked or verdict in (Verdict.TRIPLE_FAULT, Verdict.FLOOD, Verdict.HANG,
                                                    Verdict.TIMEOUT)):
        reason += f" (during test '{running}')"
    focus = None
    if verdict.panicked and panic:
        focus = panic.line.number
    elif verdict is Verdict.FAILED_CHECK:
        focus = next((p.line for p in problems if p.line is not None), None)
    return Outcome(verdict, reason, describe_expected(spec), problems, tests, focus)


def check_protocol(spec: RunSpec, nonce: str,
                   events: list[protocol.Event]) -> tuple[list[Problem], dict[str, TestResult]]:
    """Rules 2 to 4 above, and the nonce of rule 5, for the KTEST and BOOT lines."""
    problems: list[Problem] = []
    requested = None if spec.all_tests else set(spec.tests)
    starts: dict[str, protocol.Event] = {}
    results: dict[str, protocol.Event] = {}
    flagged: set[str] = set()  # tests that already have a problem reported
    evidence: dict[str, list[str]] = {}  # test name -> its EVIDENCE texts
    summaries, boots = [], []

    for event in events:
        at = event.line.number
        if event.kind == "panic":
            continue
        if event.nonce != nonce:
            problems.append(Problem(f"forged or replayed output: nonce '{event.nonce}' "
                                    f"is not this run's ({nonce})", at, voids_run=True))
            continue
        if event.kind == "malformed":
            problems.append(Problem(f"malformed line: {event.message}", at))
        elif event.kind == "violation":
            problems.append(Problem(f"kernel invariant violated: {event.message}", at, broken_kernel=True))
        elif event.kind == "boot":
            boots.append(event)
        elif event.kind == "summary":
            summaries.append(event)
        elif requested is not None and event.name not in requested:
            problems.append(Problem(f"test '{event.name}' was not requested but "
                                    f"reported {event.kind.upper()}", at))
        elif event.kind == "evidence":  # kept for scoring (evidence.py), which checks what it says
            if event.name not in starts or event.name in results:
                problems.append(Problem(f"test '{event.name}' printed EVIDENCE outside its run "
                                        "(between START and its result)", at, voids_run=True))
            else:
                evidence.setdefault(event.name, []).append(event.message)
        elif event.kind == "start":
            if event.name in starts:
                problems.append(Problem(f"test '{event.name}' started twice", at, voids_run=True))
            starts.setdefault(event.name, event)
        elif event.name in results:
            problems.append(Problem(f"test '{event.name}' reported a result twice", at,
                                    voids_run=True))
        elif event.kind == "pass" and event.name not in starts:
            problems.append(Problem(f"test '{event.name}' reported PASS without a START "
                                    "(replayed output?)", at, voids_run=True))
            flagged.add(event.name)
        else:  # a FAIL needs no START: the kernel fails unknown names that way
            results[event.name] = event

    names = list(spec.tests) if requested is not None else list(dict.fromkeys([*starts, *results]))
    tests = {}
    for name in names:
        tests[name] = _test_result(name, starts.get(name), results.get(name), tuple(evidence.get(name, ())))
        problem = _test_problem(tests[name])
        if problem and name not in flagged:
            problems.append(problem)

    problems += _summary_problems(spec, summaries, tests)
    problems += _boot_problems(spec, boots)
    return problems, tests


def _test_result(name, start, result, evidence: tuple[str, ...] = ()) -> TestResult:
    if result is not None:
        state = TestState.PASS if result.kind == "pass" else TestState.FAIL
        return TestResult(name, state, result.message, result.line.number, evidence)
    if start is not None:
        return TestResult(name, TestState.UNFINISHED, "started but reported no result",
                          start.line.number)
    return TestResult(name, TestState.MISSING, "never started")


def _test_problem(test: TestResult) -> Problem | None:
    if test.state is TestState.FAIL:
        return Problem(f"test '{test.name}' FAILED: {test.message or '(no message)'}", test.line)
    if test.state is TestState.UNFINISHED:
        return Problem(f"test '{test.name}' started but reported no result", test.line)
    if test.state is TestState.MISSING:
        return Problem(f"test '{test.name}' was requested but never started", missing=True)
    return None


def _summary_problems(spec, summaries, tests) -> list[Problem]:
    if not summaries:
        return [Problem("no 'KTEST <nonce> summary' line", missing=True)] if spec.tests else []
    problems = []
    if len(summaries) > 1:
        problems.append(Problem(f"{len(summaries)} summary lines, expected one",
                                summaries[1].line.number, voids_run=True))
    passed = sum(t.state is TestState.PASS for t in tests.values())
    failed = sum(t.state is TestState.FAIL for t in tests.values())
    if summaries[0].counts != (passed, failed):
        said_passed, said_failed = summaries[0].counts
        problems.append(Problem(f"summary says passed={said_passed} failed={said_failed}, "
                                f"but the results show passed={passed} failed={failed}",
                                summaries[0].line.number))
    return problems


def _boot_problems(spec, boots) -> list[Problem]:
    if not boots:
        return [Problem("no 'BOOT <nonce> complete' line: boot did not finish", missing=True)]
    problems = []
    if len(boots) > 1:
        problems.append(Problem(f"{len(boots)} BOOT complete lines, expected one",
                                boots[1].line.number, voids_run=True))
    cpus, nodes = boots[0].counts
    at = boots[0].line.number
    if spec.expect_cpus is not None and cpus != spec.expect_cpus:
        problems.append(Problem(f"kernel booted {cpus} CPUs, the machine has "
                                f"{spec.expect_cpus}", at))
    if spec.expect_nodes is not None and nodes != spec.expect_nodes:
        problems.append(Problem(f"kernel found {nodes} NUMA nodes, the machine has "
                                f"{spec.expect_nodes}", at))
    return problems


def _exit_problems(end: ProcessEnd) -> list[Problem]:
    code = end.exit_code
    if end.ending is not Ending.EXITED or code in (EXIT_PASSED, EXIT_PANIC, EXIT_RESET, EXIT_QEMU):
        return []
    if code == EXIT_FAILED:
        return [Problem("kernel exit status 0x11: the kernel reports a failed self-test")]
    if code > 0 and code % 2 == 1:
        return [Problem(f"QEMU exit {code}: unknown kernel status {code >> 1:#x} "
                        "(expected 0x10)")]
    return []


def _classify(spec: RunSpec, end: ProcessEnd, capture: SerialCapture, panic,
              problems: list[Problem]) -> tuple[Verdict, str]:
    code = end.exit_code
    exited = end.ending is Ending.EXITED
    if end.ending is Ending.NOT_STARTED:
        return Verdict.QEMU_ERROR, end.error
    if end.ending is Ending.CANCELLED:
        return Verdict.QEMU_ERROR, "run cancelled: the grader was interrupted"
    if exited and code == EXIT_QEMU:
        first = next((l for l in end.stderr.splitlines() if l.strip()), "")
        return Verdict.QEMU_ERROR, ("QEMU exit 1: " + first if first else
                                    "QEMU exit 1 with nothing on stderr "
                                    "(did the kernel write status 0 to port 0xf4?)")
    if exited and code is not None and code < 0:
        return Verdict.QEMU_ERROR, f"QEMU died of signal {signal.Signals(-code).name}"
    if exited and code is not None and code > 0 and code % 2 == 0:
        return Verdict.QEMU_ERROR, f"QEMU exit {code}, which no kernel status gives"
    if panic:
        return (Verdict.USER_PANIC if panic.name == "user" else Verdict.PANIC), panic.line.text.strip()
    if exited and code == EXIT_PANIC:
        return Verdict.PANIC, "kernel exit status 0x12 (panic), but no PANIC line was printed"
    if exited and code == EXIT_RESET:
        return Verdict.TRIPLE_FAULT, "QEMU exit 0: the CPU reset, most likely a triple fault"
    if capture.flooded:  # QEMU was killed for it (Ending.FLOOD), or exited as it passed
        return Verdict.FLOOD, (f"more than {capture.cap_bytes} bytes of serial output "
                               f"({capture.line_count} lines) in {capture.flooded_at:.1f} s; "
                               "QEMU killed at the cap (printing in a loop?)")
    if end.ending is Ending.HANG:
        last = capture.last_output - capture.started
        return Verdict.HANG, (f"no serial output for {spec.limits.hang_seconds:g} s "
                              f"(last at {last:.1f} s); QEMU killed")
    if end.ending is Ending.TIMEOUT:
        return Verdict.TIMEOUT, (f"still running at the {spec.limits.timeout_seconds:g} s "
                                 "limit, output still coming; QEMU killed")
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return Verdict.FAILED_CHECK, problems[0].message + more
    return Verdict.PASS, "all checks passed"


def _running_test(tests: dict[str, TestResult]) -> str | None:
    unfinished = [t for t in tests.values() if t.state is TestState.UNFINISHED]
    return max(unfinished, key=lambda t: t.line).name if unfinished else None


def describe_expected(spec: RunSpec) -> str:
    parts = ["QEMU exit 33 (kernel status 0x10: boot complete, all self-tests passed)"]
    shape = ""
    if spec.expect_cpus is not None:
        shape += f" cpus={spec.expect_cpus}"
    if spec.expect_nodes is not None:
        shape += f" nodes={spec.expect_nodes}"
    parts.append(f"'BOOT <nonce> complete{shape}'")
    if spec.all_tests:
        parts.append("START then PASS for every self-test that runs, and a matching summary")
    elif spec.tests:
        parts.append(f"START then PASS for {', '.join(spec.tests)}, and "
                     f"'summary passed={len(spec.tests)} failed=0'")
    parts += [e.describe() for e in spec.expectations]
    return "; ".join(parts)
