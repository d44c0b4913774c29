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


def make_command(target: str, preset: Preset, cmdline: str, tree: MakeTree = MakeTree()) -> str:
    """`make qemu TOPO=2x2 KARGS='...'`, plus the tree's variables."""
    words = [_make(tree), target, machine_argument(preset, tree.root),
             *map(shlex.quote, tree.variables), f"KARGS={shlex.quote(cmdline)}"]
    return " ".join(words)


def qemu_command(argv: list[str]) -> str:
    return shlex.join(argv)


def commands(preset: Preset, cmdline: str, argv: list[str],
             tree: MakeTree | None = None) -> dict[str, str]:
    """make: the same run through the Makefile; qemu: the exact command line;
    debug: QEMU waiting for gdb, then gdb in a second terminal."""
    tree = tree or MakeTree()
    gdb = " ".join([_make(tree), "gdb", *map(shlex.quote, tree.variables)])
    return {
        "make": make_command("qemu", preset, cmdline, tree),
        "qemu": qemu_command(argv),
        "debug": make_command("qemu-gdb", preset, cmdline, tree)
                 + "   # then, in another terminal: " + gdb,
    }
