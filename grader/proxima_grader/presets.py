"""Machine presets: the named QEMU machines of config/topologies.conf.

The file holds one machine per line, `name = QEMU options`; `#` starts a
comment and blank lines are ignored. The Makefile, the grader and the
benchmarks all read this one file, so a machine has one definition.
Only the machine shape lives there; the grader adds the devices itself.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PRESETS_FILE = REPO_ROOT / "config" / "topologies.conf"

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


class PresetError(Exception):
    """A presets file that cannot be read, or a preset that does not exist."""


@dataclass(frozen=True)
class Preset:
    name: str
    options: tuple[str, ...]  # QEMU arguments, already split like a shell would
    source: str = ""          # "file:line", for error messages

    @property
    def cpus(self) -> int | None:
        """Number of CPUs from `-smp N` or `-smp cpus=N,...`; None if unset."""
        value = option_value(self.options, "-smp")
        if value is None:
            return None
        for part in value.split(","):
            key, _, number = part.rpartition("=")
            if key in ("", "cpus") and number.isdigit():
                return int(number)
        return None

    @property
    def nodes(self) -> int:
        """Number of NUMA nodes QEMU will describe in the SRAT (1 without -numa)."""
        count = sum(1 for flag, value in zip(self.options, self.options[1:])
                    if flag == "-numa" and value.startswith("node"))
        return max(count, 1)


def option_value(argv: list[str] | tuple[str, ...], flag: str) -> str | None:
    """The value after the first `flag` in a QEMU command line (None when there is none)."""
    for i, option in enumerate(argv[:-1]):
        if option == flag:
            return argv[i + 1]
    return None


class Presets:
    """The presets of one file, in file order."""

    def __init__(self, presets: dict[str, Preset], path: Path):
        self._presets = presets
        self.path = path

    def names(self) -> list[str]:
        return list(self._presets)

    def __iter__(self):
        return iter(self._presets.values())

    def __len__(self) -> int:
        return len(self._presets)

    def get(self, name: str) -> Preset:
        try:
            return self._presets[name]
        except KeyError:
            known = ", ".join(self._presets) or "(none)"
            raise PresetError(f"unknown preset '{name}' (in {self.path}); "
                              f"known presets: {known}") from None


def parse_presets(text: str, path: Path | str = "<text>") -> Presets:
    presets: dict[str, Preset] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{path}:{number}"
        name, equals, options = line.partition("=")
        name = name.strip()
        if not equals or not _NAME.fullmatch(name):
            raise PresetError(f"{where}: expected 'name = QEMU options', got: {raw}")
        if name in presets:
            raise PresetError(f"{where}: preset '{name}' defined twice "
                              f"(first at {presets[name].source})")
        try:
            words = tuple(shlex.split(options, comments=True))
        except ValueError as error:
            raise PresetError(f"{where}: {error}") from None
        if not words:
            raise PresetError(f"{where}: preset '{name}' has no QEMU options")
        presets[name] = Preset(name, words, where)
    return Presets(presets, Path(path))


def load_presets(path: Path | str | None = None) -> Presets:
    """Read the presets file: `path`, else $PROXIMA_TOPOLOGIES, else the repo's."""
    path = Path(path or os.environ.get("PROXIMA_TOPOLOGIES") or DEFAULT_PRESETS_FILE)
    try:
        text = path.read_text()
    except OSError as error:
        raise PresetError(f"cannot read presets file {path}: {error.strerror}") from None
    return parse_presets(text, path)
