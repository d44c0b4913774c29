"""Running specs: one at a time, or many at once on a thread pool.

Each run gets a fresh nonce; threads only wait on QEMU processes, so the
number of jobs is the number of QEMU instances running at the same time.
"""

from __future__ import annotations

import concurrent.futures
import os
import secrets
import threading
from dataclasses import dataclass, field
from typing import Callable, Iterable

from . import recording, reproduce
from .judge import judge
from .qemu import ProcessEnd, QemuSetup, run_process
from .serial import Line
from .spec import RunSpec
from .verdict import Outcome


@dataclass
class RunResult:
    spec: RunSpec
    nonce: str
    cmdline: str          # the kernel command line (-append)
    argv: list[str]       # the QEMU command line (a recorded run's, without the recording)
    end: ProcessEnd
    lines: list[Line]     # serial output kept (see serial.SerialCapture)
    line_count: int       # lines printed in all, kept or not
    truncated: bool
    outcome: Outcome
    tree: reproduce.MakeTree = field(default_factory=reproduce.MakeTree)  # for rerun commands
    modules: tuple[str, ...] = ()  # the boot modules, as make qemu's MODULES names them
    recording: str = ""   # the failed run's recording (QemuSetup.record_dir), or none

    @property
    def passed(self) -> bool:
        return self.outcome.passed

    def commands(self) -> dict[str, str]:
        """Shell commands to rerun this run alone: make, qemu, debug."""
        return reproduce.commands(self.spec.preset, self.cmdline, self.argv, self.tree, self.modules,
                                  self.recording)


def new_nonce() -> str:
    return secrets.token_hex(8)


def run_one(spec: RunSpec, setup: QemuSetup, nonce: str | None = None,
            cancel: threading.Event | None = None) -> RunResult:
    nonce = nonce or new_nonce()
    argv = setup.argv(spec, nonce)
    recording_at = setup.recording(spec, nonce)
    run_argv = recording.prepare(recording_at, argv) if recording_at is not None else argv
    end, capture = run_process(run_argv, spec.limits, cancel)
    outcome = judge(spec, nonce, end, capture)
    kept = recording.finish(recording_at, outcome.passed) if recording_at is not None else ""
    return RunResult(spec, nonce, spec.kernel_cmdline(nonce), argv, end, capture.lines(),
                     capture.line_count, capture.truncated, outcome, setup.tree, setup.rerun_modules(spec),
                     kept)


def run_many(specs: Iterable[RunSpec], setup: QemuSetup, jobs: int | None = None,
             on_done: Callable[[RunResult], None] | None = None,
             cancel: threading.Event | None = None) -> list[RunResult]:
    """Run every spec, `jobs` at a time; results come back in the order of `specs`.

    `on_done` is called (from the calling thread) as each run finishes, for
    progress output. Setting `cancel` (e.g. from another thread, when a batch
    is interrupted) kills the QEMUs still running.
    """
    specs = list(specs)
    jobs = max(1, jobs or os.cpu_count() or 1)
    results: list[RunResult | None] = [None] * len(specs)
    cancel = cancel or threading.Event()
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run_one, spec, setup, None, cancel): i
                   for i, spec in enumerate(specs)}
        try:
            for future in concurrent.futures.as_completed(futures):
                result = future.result()
                results[futures[future]] = result
                if on_done:
                    on_done(result)
        except BaseException:  # Ctrl-C or a grader bug: stop every QEMU before leaving
            cancel.set()
            pool.shutdown(cancel_futures=True)
            raise
    return results
