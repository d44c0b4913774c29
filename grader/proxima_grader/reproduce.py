"""The commands that rerun one run on its own, and the ones that debug it."""

from __future__ import annotations

import shlex
from pathlib import Path

from .presets import DEFAULT_PRESETS_FILE, REPO_ROOT, Preset, PresetError, load_presets


def machine_argument(preset: Preset) -> str:
    """TOPO=name when make's presets file defines this very machine, else
    MACHINE='options' (a preset from another file, or a changed one)."""
    try:
        known = load_presets(DEFAULT_PRESETS_FILE).get(preset.name)
    except PresetError:
        known = None
    if known is not None and known.options == preset.options:
        return f"TOPO={shlex.quote(preset.name)}"
    return f"MACHINE={shlex.quote(shlex.join(preset.options))}"


def make_command(target: str, preset: Preset, cmdline: str) -> str:
    """`make qemu TOPO=2x2 KARGS='...'`, with -C when not run from the repo root."""
    where = "" if Path.cwd().resolve() == REPO_ROOT else f" -C {shlex.quote(str(REPO_ROOT))}"
    return f"make{where} {target} {machine_argument(preset)} KARGS={shlex.quote(cmdline)}"


def qemu_command(argv: list[str]) -> str:
    return shlex.join(argv)


def commands(preset: Preset, cmdline: str, argv: list[str]) -> dict[str, str]:
    """make: the same run through the Makefile; qemu: the exact command line;
    debug: QEMU waiting for gdb, then gdb in a second terminal."""
    return {
        "make": make_command("qemu", preset, cmdline),
        "qemu": qemu_command(argv),
        "debug": make_command("qemu-gdb", preset, cmdline) + "   # then, in another terminal: "
                 + ("make gdb" if Path.cwd().resolve() == REPO_ROOT
                    else f"make -C {shlex.quote(str(REPO_ROOT))} gdb"),
    }
