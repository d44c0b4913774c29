"""Shared setup for the grader self-tests: import path, the fake QEMU, small specs."""

import atexit
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "grader"))

from proxima_grader import Limits, QemuSetup, RunSpec, load_presets  # noqa: E402

FAKE_QEMU = HERE / "fake_qemu.py"
PRESETS = load_presets(REPO / "config" / "topologies.conf")

# Generous limits for runs that should end by themselves; the hang and
# timeout tests use short ones on purpose.
RELAXED = Limits(hang_seconds=60, timeout_seconds=120)


def dummy_kernel() -> str:
    """A file to name as the kernel: the fake QEMU only checks that it exists."""
    handle, path = tempfile.mkstemp(prefix="proxima-kernel-", suffix=".elf")
    os.close(handle)
    atexit.register(os.unlink, path)
    return path


KERNEL = dummy_kernel()


def fake_setup() -> QemuSetup:
    return QemuSetup((sys.executable, str(FAKE_QEMU)), KERNEL)


def fake_spec(scenario: str, tests=("a", "b"), preset="2x2", extra=(), limits=RELAXED,
              **fields) -> RunSpec:
    """A run of the fake QEMU playing `scenario`, checking the preset's shape."""
    preset = PRESETS.get(preset)
    return RunSpec(preset, tuple(tests), (f"fake={scenario}", *extra), limits=limits,
                   expect_cpus=preset.cpus, expect_nodes=preset.nodes, **fields)
