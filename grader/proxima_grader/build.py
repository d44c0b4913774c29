"""Building the kernel a lab is graded on, through the tree's own Makefile.

    make -C <tree> -j<n> kernel [SOL=<sel>] BUILD=<dir>
    make -s -C <tree> print-kernel [SOL=<sel>] BUILD=<dir>    -> the ELF, relative to <tree>

When the stages boot user programs (stage.toml's modules), the same make
builds them too, with the same SOL and BUILD, and a second query names them:

    make -C <tree> -j<n> kernel programs PROGRAMS='sigma0 l4test' [SOL=<sel>] BUILD=<dir>
    make -s -C <tree> print-programs PROGRAMS='sigma0 l4test' ...  -> their ELFs, in order

SOL picks which labs' manifest files come from solutions/lab<N>/ (all, none,
N, N-M, comma lists); without it the Makefile chooses (all in the full kit,
none in a handout). make runs with the make variables of any make that
started the grader removed from its environment (MAKEFLAGS and the rest), so
`make grade SOL=2` builds what `--sol 2` says and nothing else leaks in.
A failed build is a value, not an exception: the report shows its tail.
The output a report shows names files as the tree does (kernel/mm/kmem.cc):
the tree's own path is cut, and any other absolute path (a system header,
the grading machine's directories) is shown as <path>/its-file-name.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .qemu import _has_exited, _kill_group

BUILD_TIMEOUT = 1800.0   # seconds; a build that takes longer is killed
OUTPUT_CAP = 64 * 1024   # bytes of make's output kept
TAIL_LINES = 30          # lines of it shown in a report
SOL_SYNTAX = re.compile(r"all|none|\d+(-\d+)?(,\d+(-\d+)?)*")
INHERITED = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "GNUMAKEFLAGS", "SOL", "BUILD",
             "HIDDEN_DIR")


class SolError(ValueError):
    """A SOL= selection that does not parse."""


def sol_labs(selection: str, available: list[int]) -> list[int]:
    """The labs a SOL selection takes from solutions/ (like scripts/sol-labs.sh)."""
    if not SOL_SYNTAX.fullmatch(selection):
        raise SolError(f"bad SOL selection '{selection}': use all, none, N, N-M "
                       "or a comma list such as 1,3-4")
    if selection == "all":
        return sorted(available)
    if selection == "none":
        return []
    labs: set[int] = set()
    for item in selection.split(","):
        first, _, last = item.partition("-")
        labs.update(range(int(first), int(last or first) + 1))
    return sorted(labs)


@dataclass
class Build:
    ok: bool
    command: str          # the make command that built, or the one that failed
    kernel: Path | None   # the ELF, when ok
    output: str           # make's output (stdout and stderr), the last OUTPUT_CAP bytes
    duration: float
    programs: dict[str, Path | None] = field(default_factory=dict)  # user program name -> its ELF (None: not built)

    @property
    def what(self) -> str:
        """What was built, for reports: the kernel, and the user programs if any."""
        names = ", ".join(self.programs) if self.programs else ""
        return f"the kernel and the user programs ({names})" if names else "the kernel"

    def tail(self, lines: int = TAIL_LINES) -> list[str]:
        return self.output.rstrip().splitlines()[-lines:]


def relative_paths(output: str, tree: Path) -> str:
    """`output` with the tree's path cut and other absolute paths reduced to
    <path>/name, so a report shows nothing of the machine it was made on."""
    for root in {str(tree), str(Path(tree).resolve())}:
        output = output.replace(root.rstrip("/") + "/", "")
    return re.sub(r"(?<![\w.~-])/(?:[^\s/:'\"()<>]+/)+([^\s/:'\"()<>]+)", r"<path>/\1", output)


def make_variables(sol: str | None, build_dir: str, extra: tuple[str, ...] = ()) -> list[str]:
    return ([f"SOL={sol}"] if sol is not None else []) + [f"BUILD={build_dir}", *extra]


def build_kernel(tree: Path, sol: str | None, build_dir: str = "build/grade", jobs: int = 1,
                 cancel: threading.Event | None = None,
                 timeout: float = BUILD_TIMEOUT, extra: tuple[str, ...] = (),
                 programs: tuple[str, ...] = ()) -> Build:
    """Build the kernel in `tree` (BUILD relative to it) and find its ELF.
    `extra`: more make variables (HIDDEN_DIR=... for the hidden tests).
    `programs`: user programs to build in the same make (`make programs`), by name."""
    started = time.monotonic()
    variables = make_variables(sol, build_dir, extra)
    wanted = ["programs", "PROGRAMS=" + " ".join(programs)] if programs else []
    argv = ["make", "-C", str(tree), f"-j{max(1, jobs)}", "kernel", *wanted, *variables]
    status, output = _run(argv, timeout, cancel)
    output = relative_paths(output, tree)
    if status != 0:
        why = _failure(status, timeout)
        return Build(False, shlex.join(argv), None, output + why, time.monotonic() - started,
                     dict.fromkeys(programs))
    query = ["make", "-s", "-C", str(tree), "print-kernel", *variables]
    status, printed = _run(query, 120, cancel)
    words = printed.split()
    kernel = Path(tree, words[-1]) if status == 0 and words else None
    if kernel is None or not kernel.is_file():
        why = (f"\n`{shlex.join(query)}` printed {printed.strip()!r}, "
               "which names no kernel file" if status == 0 else _failure(status, 120))
        return Build(False, shlex.join(query), None, output + printed + why,
                     time.monotonic() - started)
    found: dict[str, Path] = {}
    if programs:
        query = ["make", "-s", "-C", str(tree), "print-programs", *wanted[1:], *variables]
        status, printed = _run(query, 120, cancel)
        words = printed.split()
        files = [Path(tree, word) for word in words]
        if status != 0 or len(files) != len(programs) or not all(f.is_file() for f in files):
            why = (f"\n`{shlex.join(query)}` printed {printed.strip()!r}, which does not name "
                   f"one built file for each of {', '.join(programs)}" if status == 0
                   else _failure(status, 120))
            return Build(False, shlex.join(query), None, output + printed + why,
                         time.monotonic() - started, dict.fromkeys(programs))
        found = dict(zip(programs, files))
    return Build(True, shlex.join(argv), kernel, output, time.monotonic() - started, found)


def _failure(status: int | None, timeout: float) -> str:
    if status is None:
        return f"\n(make killed: still running after {timeout:g} s, or grading was interrupted)"
    return f"\n(make exited with status {status})"


def _run(argv: list[str], timeout: float,
         cancel: threading.Event | None) -> tuple[int | None, str]:
    """Run make in its own process group, as qemu.run_process runs QEMU;
    None as status if it was killed."""
    env = {k: v for k, v in os.environ.items() if k not in INHERITED}
    try:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, env=env, start_new_session=True)
    except OSError as error:
        return 127, f"cannot run {argv[0]}: {error.strerror or error}"
    kept = bytearray()

    def keep_tail() -> None:
        for chunk in iter(lambda: process.stdout.read1(65536), b""):
            kept.extend(chunk)
            del kept[:-OUTPUT_CAP]

    reader = threading.Thread(target=keep_tail, daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    killed = False
    try:
        while not _has_exited(process.pid):  # make stays a zombie: its group id stays ours
            if time.monotonic() > deadline or (cancel is not None and cancel.is_set()):
                killed = True
                break
            time.sleep(0.05)
    finally:
        _kill_group(process.pid)  # stray compilers, or all of make when killed
        status = process.wait()
        reader.join(timeout=10)
        process.stdout.close()
    output = bytes(kept).decode("utf-8", "replace")
    return (None if killed else status), output
