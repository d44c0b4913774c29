"""Starting QEMU for one run, watching it, and stopping it.

The command line is the one the Makefile's `make qemu` uses:

    qemu-system-i386 -kernel build/kernel.elf -append "<kernel options>"
        [-initrd "sigma0.elf,roottask.elf args,..."]
        <preset options> -no-reboot -display none -monitor none
        -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04

-initrd carries the multiboot modules (docs/user-boot.md), in order, each a
file optionally followed by its arguments; QEMU separates them with commas.
They are the setup's files (`grade.py run --module`), or a lab run's
programs by name (RunSpec.modules), each the ELF file the build made for it
(QemuSetup.programs).

When the kernel writes status v to port 0xf4, QEMU exits with (v << 1) | 1.
Under -no-reboot a triple fault makes QEMU exit with 0 instead of resetting.

QEMU is stopped early in three cases: no serial output for the hang limit
(progress, not total time: a kernel that keeps printing is never a hang),
the whole run past the time limit, and more serial output than the capture's
cap (a flood: killed the moment the cap is passed, not at the time limit).

Before QEMU is killed for a hang or the time limit, the grader asks it, through a
QMP monitor socket each run gets (not shown in the rerun commands), what each vCPU
was doing: ProcessEnd.vcpus, one line each (vcpus.py).

QEMU runs in its own session (so in its own process group) and is killed as
a group: nothing it started outlives the run. We notice that it exited with
waitid(WNOWAIT), which leaves it a zombie, and only reap it after signalling
the group; until then its process group id cannot be reused, so the kill can
never reach an unrelated process (another run's QEMU, say).
"""

from __future__ import annotations

import enum
import os
import shlex
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import recording, vcpus
from .numaprof import plugin_option
from .presets import REPO_ROOT, option_value
from .reproduce import MakeTree
from .serial import SerialCapture
from .spec import Limits, RunSpec, module_problem

DEVICE_OPTIONS = ("-no-reboot", "-display", "none", "-monitor", "none",
                  "-serial", "stdio",
                  "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04")
KERNEL_CANDIDATES = ("build/kernel.elf", "build/release/kernel.elf")
STDERR_CAP = 64 * 1024
POLL_SECONDS = 0.05
STOP_SECONDS = 10  # how long a recording QEMU may take to end after SIGTERM


def default_qemu() -> tuple[str, ...]:
    return tuple(shlex.split(os.environ.get("PROXIMA_QEMU", "qemu-system-i386")))


def default_kernel() -> str:
    """$PROXIMA_KERNEL, else the first of KERNEL_CANDIDATES that exists (else the first).

    The path is relative to the current directory when that is shorter, so
    that the printed QEMU command reads like the Makefile's.
    """
    if os.environ.get("PROXIMA_KERNEL"):
        return os.environ["PROXIMA_KERNEL"]
    paths = [REPO_ROOT / candidate for candidate in KERNEL_CANDIDATES]
    kernel = next((path for path in paths if path.is_file()), paths[0])
    try:
        return str(kernel.relative_to(Path.cwd()))
    except ValueError:
        return str(kernel)


class ModuleError(ValueError):
    """A boot module QEMU could not be given."""


def check_module(module: str) -> str:
    """`module` ("FILE" or "FILE ARGS") if QEMU's -initrd list can carry it."""
    if not module.strip():
        raise ModuleError("empty boot module")
    if "," in module:
        raise ModuleError(f"boot module {module!r}: QEMU's -initrd list cannot carry a comma")
    return module


@dataclass(frozen=True)
class QemuSetup:
    """Which QEMU, which kernel and which boot modules: overridable so tests can use a
    fake QEMU.

    `modules` are the multiboot modules in order (module 0 sigma0, module 1 the
    root task), each "FILE" or "FILE ARGS"; none boots the kernel alone. A
    spec that names its own modules (a lab stage's, by program name) boots
    those instead, each name replaced by its file from `programs` (name,
    ELF path), which the lab build made.
    `tree` is where that kernel was built, and how: the rerun commands in
    reports call make there (with SOL=... when a lab was graded with one).
    `profile`: the numaprof plugin (docs/profiling.md) to load into every run, with
    the node layout of the run's machine; each run's report goes to
    profile_file(profile_dir, spec, nonce).
    `record_dir`: record every run on a one-CPU machine into a directory of its
    own there (recording.py); none when empty.
    """
    qemu: tuple[str, ...] = field(default_factory=default_qemu)  # a command, may have arguments
    kernel: str = field(default_factory=default_kernel)
    tree: MakeTree = field(default_factory=MakeTree)
    modules: tuple[str, ...] = ()
    programs: tuple[tuple[str, str], ...] = ()   # (program name, its ELF file)
    profile: str = ""       # numaprof.so, or none
    profile_dir: str = ""   # where the runs' numaprof reports go
    record_dir: str = ""    # where recordings of one-CPU runs go, or none

    def __post_init__(self):
        for module in self.modules:
            check_module(module)

    def boot_modules(self, spec: RunSpec) -> tuple[str, ...]:
        """The -initrd entries of a run: the spec's programs as files, or the setup's modules."""
        if spec.modules is None:
            return self.modules
        files = dict(self.programs)
        entries = []
        for module in spec.modules:
            problem = module_problem(module)
            if problem:
                raise ModuleError(problem)
            name, _, arguments = module.strip().partition(" ")
            if name not in files:
                raise ModuleError(f"boot module {name!r}: no program of that name was built")
            entries.append(check_module(f"{files[name]} {arguments.strip()}".rstrip()))
        return tuple(entries)

    def rerun_modules(self, spec: RunSpec) -> tuple[str, ...]:
        """The modules as `make qemu MODULES=...` names them: a lab run's by program
        name (the Makefile builds and boots $(KBUILD)/userland/<name>.elf), else the
        setup's files."""
        return self.modules if spec.modules is None else spec.modules

    def argv(self, spec: RunSpec, nonce: str) -> list[str]:
        modules = self.boot_modules(spec)
        initrd = ["-initrd", ",".join(modules)] if modules else []
        profile = []
        if self.profile:
            out = f"out={profile_file(self.profile_dir, spec, nonce)}"
            profile = ["-plugin", plugin_option(self.profile, list(spec.preset.options), out)]
        return [*self.qemu, "-kernel", self.kernel, "-append", spec.kernel_cmdline(nonce),
                *initrd, *spec.preset.options, *profile, *DEVICE_OPTIONS]

    def recording(self, spec: RunSpec, nonce: str) -> Path | None:
        """Where this run is recorded (None: it is not)."""
        if not self.record_dir or not recording.recordable(spec.preset):
            return None
        return recording.recording_dir(self.record_dir, spec, nonce)


def profile_file(directory: str, spec: RunSpec, nonce: str) -> Path:
    """Where a profiled run's numaprof report goes."""
    return Path(directory, f"{spec.preset.name}-{nonce}.numaprof")


class Ending(enum.Enum):
    EXITED = "exited"
    HANG = "killed: no output"
    TIMEOUT = "killed: time limit"
    FLOOD = "killed: output flood"
    NOT_STARTED = "could not start"
    CANCELLED = "killed: grader interrupted"


@dataclass
class ProcessEnd:
    ending: Ending
    exit_code: int | None  # QEMU's exit status; negative: killed by that signal
    stderr: str
    duration: float        # seconds from start to exit or kill
    error: str = ""        # why QEMU could not start
    vcpus: tuple[str, ...] = ()  # on a hang or timeout: what each vCPU was doing (vcpus.py)


def run_process(argv: list[str], limits: Limits,
                cancel: threading.Event | None = None) -> tuple[ProcessEnd, SerialCapture]:
    """Run QEMU until it exits, hangs, floods or runs out of time; capture its serial output.

    A hang is `limits.hang_seconds` without a byte of output, however long
    the run has been going; a flood is more than `limits.output_cap` bytes,
    noticed the moment the reader thread passes the cap. Setting `cancel`
    kills QEMU early (the grader is being interrupted).
    """
    with tempfile.TemporaryDirectory(prefix="proxima-qmp-") as monitor_dir:
        return _run_watched(argv, limits, cancel, Path(monitor_dir, "qmp.sock"))


def _run_watched(argv: list[str], limits: Limits, cancel: threading.Event | None,
                 monitor: Path) -> tuple[ProcessEnd, SerialCapture]:
    capture = SerialCapture(limits.output_cap)
    try:
        process = subprocess.Popen([*argv, *vcpus.monitor_option(monitor)], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    except OSError as error:
        reason = f"cannot run {argv[0]}: {error.strerror or error}"
        return ProcessEnd(Ending.NOT_STARTED, None, "", 0.0, reason), capture

    stderr = bytearray()

    def keep_stderr(chunk: bytes) -> None:
        stderr.extend(chunk[:max(0, STDERR_CAP - len(stderr))])

    readers = [threading.Thread(target=_pump, args=(process.stdout, capture.feed), daemon=True),
               threading.Thread(target=_pump, args=(process.stderr, keep_stderr), daemon=True)]
    for reader in readers:
        reader.start()

    ending = Ending.EXITED
    try:
        while not _has_exited(process.pid):
            if capture.flooded:
                ending = Ending.FLOOD
                break
            if capture.seconds_since_output() >= limits.hang_seconds:
                ending = Ending.HANG
                break
            if time.monotonic() - capture.started >= limits.timeout_seconds:
                ending = Ending.TIMEOUT
                break
            if cancel is not None and cancel.is_set():
                ending = Ending.CANCELLED
                break
            capture.overflow.wait(POLL_SECONDS)  # a flood wakes us at once
    except BaseException:  # Ctrl-C in a single run: take QEMU down with us
        _kill_group(process.pid)
        process.wait()
        raise
    duration = time.monotonic() - capture.started

    seen = ()
    if ending in (Ending.HANG, Ending.TIMEOUT) and not _has_exited(process.pid):
        seen = tuple(vcpus.snapshot(str(monitor), option_value(argv, "-kernel") or ""))
    if ending is not Ending.EXITED and recording.records(argv):
        _stop_recording(process)
    _kill_group(process.pid)  # QEMU on hang, flood or timeout; stray children always
    exit_code = process.wait()
    for reader in readers:
        reader.join(timeout=10)
    capture.finish()
    process.stdout.close()
    process.stderr.close()
    return ProcessEnd(ending, exit_code, stderr.decode("utf-8", "replace"), duration, vcpus=seen), capture


def _pump(pipe, sink) -> None:
    """Reader thread: copy raw chunks from a pipe until end of file."""
    fd = pipe.fileno()
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return
        if not chunk:
            return
        sink(chunk)


def _has_exited(pid: int) -> bool:
    """True once the child has exited; it stays a zombie until waited for."""
    status = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    return status is not None


def _stop_recording(process: subprocess.Popen) -> None:
    """Ends a recording QEMU as Ctrl-C would: QEMU writes the rest of its log on
    the way out (killed, it would leave the log without its last part, and the
    replay of a hang would stop short of it)."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        pass


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
