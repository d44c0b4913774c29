"""Recording runs as they happen, to replay the failing ones exactly (--record DIR).

A run that fails now and then is hard to debug: its rerun may pass. With
--record, every run on a machine with one CPU (QEMU 7.2 records no other) is
recorded by QEMU's record/replay while it runs (`-icount rr=record`), its serial
output copied to a log by QEMU itself. A run that passes loses its recording;
one that fails keeps it as a directory that scripts/gdb/rr.sh (make replay,
make replay-gdb) plays back: the QEMU command with copies of the kernel and
the modules (`argv`), its virtual clock (`icount`), the input log (`run.rr`)
and the output (`record.log`), the layout `make record` writes. The replay
runs the failing run again, instruction for instruction, under GDB too, where
reverse-stepi and reverse-continue work (docs/debugging.md).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .presets import Preset
from .spec import RunSpec

SERIAL_ID = "rrserial"
CLOCK = "shift=7"  # the virtual clock of a recording, as scripts/gdb/rr.sh's (its comment says why)


def recordable(preset: Preset) -> bool:
    return preset.cpus in (None, 1)


def recording_dir(base: str, spec: RunSpec, nonce: str) -> Path:
    return Path(base, f"{spec.preset.name}-{nonce}")


def record_options(directory: Path) -> list[str]:
    """QEMU options that record the run into `directory` and copy its serial output
    to record.log there; they replace `-serial stdio`."""
    return ["-icount", f"{CLOCK},rr=record,rrfile={directory / 'run.rr'}",
            "-chardev", f"stdio,id={SERIAL_ID},logfile={directory / 'record.log'}",
            "-serial", f"chardev:{SERIAL_ID}"]


def records(argv: list[str]) -> bool:
    """Whether a QEMU command records its run (record_options)."""
    return any(a.startswith(CLOCK + ",rr=record,") for a in argv)


def prepare(directory: Path, argv: list[str]) -> list[str]:
    """Makes `directory` a recording of the run of `argv` (a QEMU command with
    `-serial stdio`) and returns the command that runs and records it.

    The kernel and the modules are copied into `directory` first and booted from
    there: their file names are part of the run (the boot loader hands the
    module names to the kernel, which keeps them in memory and prints them), so
    a replay must load files of the same names, which must not change either.
    `directory`/argv is the command as rr.sh replays it: without the serial port,
    which rr.sh adds itself, and a profiling plugin, which does not change the run."""
    directory.mkdir(parents=True, exist_ok=True)
    run: list[str] = []
    i = 0
    while i < len(argv):
        option = argv[i]
        value = argv[i + 1] if i + 1 < len(argv) else ""
        if option == "-kernel":
            run += ["-kernel", _copy(value, directory, "kernel.elf")]
        elif option == "-initrd":
            entries = []
            for n, entry in enumerate(value.split(","), 1):
                file, space, arguments = entry.partition(" ")
                entries.append(_copy(file, directory, f"module{n}-{Path(file).name}") + space + arguments)
            run += ["-initrd", ",".join(entries)]
        elif option in ("-serial", "-plugin"):
            run += [option, value]
        else:
            run.append(option)
            i += 1
            continue
        i += 2
    replay = _without(run, ("-serial", "-plugin"))
    (directory / "argv").write_bytes(b"".join(a.encode() + b"\0" for a in replay))
    (directory / "icount").write_text(CLOCK + "\n")
    return _without(run, ("-serial",)) + record_options(directory)


def _without(argv: list[str], options: tuple[str, ...]) -> list[str]:
    """`argv` without these options and their values."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        if argv[i] in options:
            i += 2
            continue
        out.append(argv[i])
        i += 1
    return out


def _copy(file: str, directory: Path, name: str) -> str:
    target = directory / name
    shutil.copyfile(file, target)
    return str(target)


def finish(directory: Path, passed: bool) -> str:
    """After the run: a failed run's recording is kept and its directory returned;
    a passed run's is removed ("" returned)."""
    if passed or not (directory / "run.rr").is_file():
        shutil.rmtree(directory, ignore_errors=True)
        return ""
    return str(directory)
