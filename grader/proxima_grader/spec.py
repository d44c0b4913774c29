"""What to run: one RunSpec is one boot of the kernel on one machine.

A RunSpec says which preset to boot, which in-kernel self-tests to ask for,
which extra kernel options to pass, which user programs to boot as modules
(a lab stage's; `grade.py run` gives its modules to the QemuSetup instead),
what the output must contain, and how long to wait. Lab stages (stage ->
tests, points, presets, limits) expand into RunSpecs; everything downstream
(runner, judge, reports) sees only RunSpecs and their RunResults.

Tests whose names start with `l4.` are user-level tests: the kernel leaves
them to the root task among the boot modules (userland/l4test), which prints
their KTEST lines and the summary and ends the run. The kernel fails an l4.
name given together with its own tests (kernel/test/ktest.cc), so one boot
carries one kind or the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .expect import Expectation
from .presets import Preset

ALL_TESTS = "all"
TEST_NAME = re.compile(r"[A-Za-z0-9_.:-]+")
USER_TEST_PREFIX = "l4."
PROGRAM_NAME = re.compile(r"[A-Za-z0-9_-]+")   # a user program: $(KBUILD)/userland/<name>.elf


def is_user_test(name: str) -> bool:
    """Whether the kernel leaves this test to the root task (kernel/test/ktest.cc)."""
    return name.startswith(USER_TEST_PREFIX)


def module_problem(module: str) -> str:
    """Why `module` ("name" or "name args") is no boot module by program name, or ""."""
    words = module.split()
    if not words:
        return "an empty module"
    if "," in module:
        return f"{module!r}: QEMU's -initrd list cannot carry a comma"
    if not PROGRAM_NAME.fullmatch(words[0]):
        return (f"{module!r}: a module is a program's name (the {words[0]!r} of "
                f"$(KBUILD)/userland/<name>.elf: letters, digits, '_' and '-'), then its arguments")
    if any(ord(c) < 32 and c not in "\t" for c in module):
        return f"{module!r}: a control character"
    return ""


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
    modules: tuple[str, ...] | None = None  # boot modules by program name ("sigma0",
                                         # "demo iter=2"), in order; None: the QemuSetup's

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
        for module in self.modules or ():
            problem = module_problem(module)
            if problem:
                raise SpecError(f"bad boot module: {problem}")

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
        if self.modules:
            parts.append("modules=" + ",".join(self.modules))
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
