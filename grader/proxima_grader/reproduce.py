"""The commands that rerun one run on its own, and the ones that debug it."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from .presets import REPO_ROOT, Preset, PresetError, load_presets

PRESETS_IN_TREE = Path("config") / "topologies.conf"  # the file the Makefile reads


@dataclass(frozen=True)
class MakeTree:
    """Where the rerun commands call make, and the make variables that build
    the same kernel again there (e.g. SOL=1 when a lab was graded with it)."""
    root: Path = REPO_ROOT
    variables: tuple[str, ...] = ()


def machine_argument(preset: Preset, root: Path = REPO_ROOT) -> str:
    """TOPO=name when make's presets file defines this very machine, else
    MACHINE='options' (a preset from another file, or a changed one)."""
    try:
        known = load_presets(Path(root) / PRESETS_IN_TREE).get(preset.name)
    except PresetError:
        known = None
    if known is not None and known.options == preset.options:
        return f"TOPO={shlex.quote(preset.name)}"
    return f"MACHINE={shlex.quote(shlex.join(preset.options))}"


def _make(tree: MakeTree) -> str:
    """`make`, with -C when not run from the tree's root."""
    root = Path(tree.root).resolve()
    return "make" if Path.cwd().resolve() == root else f"make -C {shlex.quote(str(root))}"


def modules_argument(modules: tuple[str, ...]) -> str:
    """MODULES='sigma0.elf,roottask.elf args' for make qemu (comma-separated, as
    QEMU's -initrd); MODULES= for a run without modules (make qemu boots the user
    programs unless told otherwise)."""
    return f"MODULES={shlex.quote(','.join(modules))}" if modules else "MODULES="


def make_command(target: str, preset: Preset, cmdline: str, tree: MakeTree = MakeTree(),
                 modules: tuple[str, ...] | None = None) -> str:
    """`make qemu TOPO=2x2 KARGS='...'`, plus the tree's variables, plus MODULES=...
    when the run's boot modules are known (None: not said)."""
    words = [_make(tree), target, machine_argument(preset, tree.root),
             *map(shlex.quote, tree.variables), f"KARGS={shlex.quote(cmdline)}"]
    if modules is not None:
        words.append(modules_argument(modules))
    return " ".join(words)


def qemu_command(argv: list[str]) -> str:
    return shlex.join(argv)


def commands(preset: Preset, cmdline: str, argv: list[str],
             tree: MakeTree | None = None,
             modules: tuple[str, ...] | None = None,
             recorded: str = "") -> dict[str, str]:
    """make: the same run through the Makefile; qemu: the exact command line;
    debug: QEMU waiting for gdb, then gdb in a second terminal; on a machine with
    one CPU (QEMU records no other) also record: the run recorded, to be replayed
    exactly as often as needed, under GDB too (make record, docs/debugging.md);
    and replay when this very run was recorded (grade.py --record), in `recorded`."""
    tree = tree or MakeTree()
    gdb = " ".join([_make(tree), "gdb", *map(shlex.quote, tree.variables)])
    found = {
        "make": make_command("qemu", preset, cmdline, tree, modules),
        "qemu": qemu_command(argv),
        "debug": make_command("qemu-gdb", preset, cmdline, tree, modules)
                 + "   # then, in another terminal: " + gdb,
    }
    if preset.cpus in (None, 1):
        replay, attach = (" ".join([_make(tree), target, *map(shlex.quote, tree.variables)])
                          for target in ("replay-gdb", "gdb-replay"))
        found["record"] = (make_command("record", preset, cmdline, tree, modules)
                           + f"   # then: {replay}, and in another terminal: {attach}")
    if recorded:
        replay, attach = (" ".join([_make(tree), target, f"RR_DIR={shlex.quote(recorded)}"])
                          for target in ("replay-gdb", "gdb-replay"))
        found["replay"] = f"{replay}   # then, in another terminal: {attach}"
    return found
