"""What to run: one RunSpec is one boot of the kernel on one machine.

A RunSpec says which preset to boot, which in-kernel self-tests to ask for,
which extra kernel options to pass, what the output must contain, and how
long to wait. Lab stages (stage -> tests, points, presets, limits) expand
into RunSpecs; everything downstream (runner, judge, reports) sees only
RunSpecs and their RunResults.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .expect import Expectation
from .presets import Preset

ALL_TESTS = "all"
TEST_NAME = re.compile(r"[A-Za-z0-9_.:-]+")


class SpecError(ValueError):
    """A run that cannot be described on the kernel command line."""


@dataclass(frozen=True)
class Limits:
    hang_seconds: float = 90.0      # no serial output for this long: hang (since the last
                                    # byte, not since the start)
    timeout_seconds: float = 600.0  # wall-clock limit of the whole run
    output_cap: int = 1 << 20       # bytes of serial output kept; more is a flood, and
                                    # QEMU is killed at once


@dataclass(frozen=True)
class RunSpec:
    preset: Preset
    tests: tuple[str, ...] = ()          # self-test names, or ("all",)
    kargs: tuple[str, ...] = ()          # extra kernel options, e.g. ("numa=fake:2",)
    expectations: tuple[Expectation, ...] = ()
    expect_cpus: int | None = None       # checked against the BOOT line, if set
    expect_nodes: int | None = None
    limits: Limits = field(default_factory=Limits)
    label: str = ""                      # free text for reports, e.g. a stage name

    def __post_init__(self):
        if ALL_TESTS in self.tests and len(self.tests) > 1:
            raise SpecError("'all' cannot be combined with test names")
        if len(set(self.tests)) != len(self.tests):
            raise SpecError(f"a self-test is named twice: {','.join(self.tests)}")
        for name in self.tests:
            if not TEST_NAME.fullmatch(name):
                raise SpecError(f"bad self-test name: {name!r}")
        for option in self.kargs:
            if not option or any(c.isspace() for c in option):
                raise SpecError(f"bad kernel option: {option!r}")
            if option.startswith(("test=", "nonce=")):
                raise SpecError(f"kernel option {option!r} is set by the grader; "
                                "choose self-tests with the test list instead")

    @property
    def all_tests(self) -> bool:
        return self.tests == (ALL_TESTS,)

    def kernel_cmdline(self, nonce: str) -> str:
        """The -append string: exit when done, the tests, this run's nonce, the rest."""
        options = ["exit"]
        if self.tests:
            options.append("test=" + ",".join(self.tests))
        options.append("nonce=" + nonce)
        options.extend(k for k in self.kargs if k != "exit")
        return " ".join(options)

    def describe(self, preset: bool = True) -> str:
        """Short name of the run for one-line reports: preset (unless not `preset`)
        and options."""
        parts = [self.preset.name] if preset else []
        if self.tests:
            parts.append("test=" + ",".join(self.tests))
        parts.extend(self.kargs)
        text = " ".join(parts)
        return f"{self.label}: {text}" if self.label else text


def machine_shape(preset: Preset, kargs: tuple[str, ...] = ()) -> tuple[int | None, int | None]:
    """CPUs and nodes the kernel should report booting `preset` with `kargs`.

    `smp=off` starts one CPU; `numa=off` makes one node and `numa=fake:N`
    makes N; any other `numa=` option leaves the node count unchecked (None).
    """
    cpus = 1 if "smp=off" in kargs else preset.cpus
    nodes: int | None = preset.nodes
    for option in kargs:
        if option == "numa=off":
            nodes = 1
        elif option.startswith("numa=fake:") and option[10:].isdigit():
            nodes = int(option[10:])
        elif option.startswith("numa="):
            nodes = None
    return cpus, nodes
