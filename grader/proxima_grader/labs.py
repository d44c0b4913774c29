"""Labs and their grading stages, as the lab tree describes them.

    labs/lab<N>-<slug>/README.md    the handout
    labs/lab<N>-<slug>/manifest     the files a student edits, one per line
    labs/lab<N>-<slug>/stage.toml   how the lab is graded:

        title = "Lab 1: the node allocator"
        presets = ["uma", "2x2"]        # names in config/topologies.conf
        kargs = []                      # extra kernel options (optional)
        timeout_seconds = 300           # per run (optional, default 600)
        hang_seconds = 90               # optional, default 90
        modules = []                    # optional: user programs every test's boot loads
        [[tests]]
        name = "lab1.pools_in_srat_ranges"   # a KTEST name
        points = 10
        description = "every pool lies inside its node's SRAT memory"   # optional
        evidence = "pool_ranges"        # optional: a check of what the test reports (evidence.py)
        modules = ["sigma0", "l4test"]  # optional: this test's boot modules instead of the stage's
        presets = ["2x2", "4x1"]        # optional: only these of the stage's presets (and the
                                        # hidden ones); its points are split over them

`modules` are multiboot modules by program name, in boot order (module 0
sigma0, module 1 the root task, then programs), each optionally followed by
arguments ("demo iter=2"): the grader builds $(KBUILD)/userland/<name>.elf
for each with the kernel (`make programs`) and boots those files. A test
named `l4.*` is a user-level test, run and reported by the root task: it
needs modules. Each preset is booted once per group of tests that share a
module list and a kind (kernel or user-level; the kernel refuses to mix
them in one boot): a stage without modules boots once per preset, as
before.

The instructor's optional grader/hidden/lab<N>.toml (left out of the handout)
adds `presets` to the stage's and appends its `[[tests]]`, marked hidden.
Every error names the file and the entry that is wrong.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from .evidence import CHECKS
from .presets import Preset, PresetError, Presets
from .spec import TEST_NAME, Limits, RunSpec, SpecError, is_user_test, module_problem

LAB_DIR = re.compile(r"lab(\d+)-.+")
HIDDEN_DIR = Path("grader") / "hidden"
STAGE_KEYS = {"title", "presets", "kargs", "timeout_seconds", "hang_seconds", "modules", "tests"}
HIDDEN_KEYS = {"presets", "tests"}
TEST_KEYS = {"name", "points", "description", "evidence", "modules", "presets"}


class LabError(Exception):
    """A lab tree that cannot be graded: no such lab, a bad stage.toml or manifest."""


@dataclass(frozen=True)
class StageTest:
    name: str            # the KTEST name the kernel reports
    points: float
    description: str = ""
    hidden: bool = False  # from grader/hidden/: reported after grades are published
    evidence: str = ""    # a check of the values the test reports (evidence.py), or none
    modules: tuple[str, ...] | None = None  # its boot modules; None: the stage's
    presets: tuple[str, ...] | None = None  # the names of the stage's presets it runs on; None: all


@dataclass(frozen=True)
class Stage:
    """One lab's grading: every test, once per preset, in one boot per preset."""
    lab: int
    title: str
    presets: tuple[Preset, ...]
    tests: tuple[StageTest, ...]
    kargs: tuple[str, ...] = ()
    limits: Limits = Limits()
    hidden_presets: tuple[str, ...] = ()   # names of the presets grader/hidden/ added
    modules: tuple[str, ...] = ()          # every test's boot modules, unless it names its own

    def modules_of(self, test: StageTest) -> tuple[str, ...]:
        return self.modules if test.modules is None else test.modules

    def presets_of(self, test: StageTest) -> tuple[Preset, ...]:
        """The machines a test is graded on: its own presets, or all the stage's, and
        every hidden one (grader/hidden/ adds machines for the whole stage)."""
        if test.presets is None:
            return self.presets
        return tuple(p for p in self.presets if p.name in test.presets or p.name in self.hidden_presets)

    def boot_groups(self, tests) -> list[tuple[tuple[str, ...], list[StageTest]]]:
        """`tests` in the groups that share a boot on one preset: the same modules,
        and the same kind (kernel or user-level), in the order they first appear."""
        groups: dict[tuple, list[StageTest]] = {}
        for test in tests:
            groups.setdefault((self.modules_of(test), is_user_test(test.name)), []).append(test)
        return [(modules, members) for (modules, _), members in groups.items()]

    @property
    def programs(self) -> tuple[str, ...]:
        """The user programs its boots load, by name, each once."""
        return tuple(dict.fromkeys(module.split()[0] for test in self.tests
                                   for module in self.modules_of(test)))

    @property
    def max_points(self) -> float:
        return sum(test.points for test in self.tests)

    @property
    def label(self) -> str:
        return f"lab{self.lab}"

    def is_hidden(self, test: StageTest, preset: str) -> bool:
        """Whether a (test, preset) pair is part of the hidden grading: a hidden
        test anywhere, or any test on a hidden machine."""
        return test.hidden or preset in self.hidden_presets

    def only(self, name: str) -> Stage:
        return replace(self, tests=tuple(t for t in self.tests if t.name == name))

    def visible(self) -> Stage:
        """The stage as a handout has it: no hidden test, no hidden machine."""
        return replace(self, presets=tuple(p for p in self.presets if p.name not in self.hidden_presets),
                       tests=tuple(t for t in self.tests if not t.hidden), hidden_presets=())

    def on_presets(self, names) -> Stage:
        """The stage on those of its presets named in `names` only (a quicker, partial
        grading: the kit's mutant checks, or a student trying one machine); the tests
        that run on none of them are left out."""
        wanted = set(names)
        stage = replace(self, presets=tuple(p for p in self.presets if p.name in wanted),
                        hidden_presets=tuple(n for n in self.hidden_presets if n in wanted))
        return replace(stage, tests=tuple(t for t in stage.tests if stage.presets_of(t)))

    def with_limits(self, hang_seconds: float | None, timeout_seconds: float | None) -> Stage:
        limits = Limits(hang_seconds or self.limits.hang_seconds,
                        timeout_seconds or self.limits.timeout_seconds, self.limits.output_cap)
        return replace(self, limits=limits)


@dataclass(frozen=True)
class Lab:
    number: int
    directory: Path

    @property
    def stage_file(self) -> Path:
        return self.directory / "stage.toml"

    def manifest(self) -> list[str]:
        return read_manifest(self.directory / "manifest")


def find_labs(tree: Path | str) -> list[Lab]:
    """Every labs/lab<N>-* directory of the tree, by lab number."""
    labs: dict[int, Lab] = {}
    for directory in sorted(Path(tree, "labs").glob("lab*-*")):
        match = LAB_DIR.fullmatch(directory.name)
        if not match or not directory.is_dir():
            continue
        number = int(match[1])
        if number in labs:
            raise LabError(f"two directories for lab {number}: "
                           f"{labs[number].directory} and {directory}")
        labs[number] = Lab(number, directory)
    return [labs[n] for n in sorted(labs)]


def find_lab(tree: Path | str, number: int) -> Lab:
    for lab in find_labs(tree):
        if lab.number == number:
            return lab
    raise LabError(f"no lab {number}: no directory {Path(tree, 'labs', f'lab{number}-*')}")


def graded_labs(tree: Path | str) -> list[Lab]:
    """The labs that have a stage.toml, in order."""
    return [lab for lab in find_labs(tree) if lab.stage_file.is_file()]


def read_manifest(path: Path) -> list[str]:
    """Repo-relative paths, one a line; `#` comments and blank lines skipped."""
    try:
        text = path.read_text()
    except OSError as error:
        raise LabError(f"cannot read {path}: {error.strerror}") from None
    paths = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        entry = PurePosixPath(line)
        if entry.is_absolute() or ".." in entry.parts or entry.parts[:1] == (".git",):
            raise LabError(f"{path}:{number}: '{line}' must be a path inside the tree")
        paths.append(str(entry))
    return paths


def load_stage(tree: Path | str, number: int, presets: Presets) -> Stage:
    """Lab `number`'s stage.toml, with the tree's grader/hidden/lab<N>.toml merged in."""
    lab = find_lab(tree, number)
    if not lab.stage_file.is_file():
        raise LabError(f"lab {number} has no {lab.stage_file}: it is not graded yet")
    table = _read_toml(lab.stage_file, STAGE_KEYS)
    where = str(lab.stage_file)
    stage = Stage(
        lab=number,
        title=_string(table.get("title", f"Lab {number}"), f"{where}: title"),
        presets=_presets(table, presets, where, required=True),
        tests=_tests(table, where, hidden=False, required=True),
        kargs=tuple(_strings(table.get("kargs", []), f"{where}: kargs")),
        limits=Limits(_seconds(table, "hang_seconds", Limits.hang_seconds, where),
                      _seconds(table, "timeout_seconds", Limits.timeout_seconds, where)),
        modules=_modules(table.get("modules", []), f"{where}: modules"))
    try:  # the kernel options must be ones a RunSpec accepts
        RunSpec(stage.presets[0], kargs=stage.kargs)
    except SpecError as error:
        raise LabError(f"{where}: kargs: {error}") from None

    hidden_file = Path(tree, HIDDEN_DIR, f"lab{number}.toml")
    if hidden_file.is_file():
        hidden = _read_toml(hidden_file, HIDDEN_KEYS)
        more_presets = _presets(hidden, presets, str(hidden_file), required=False)
        more_tests = _tests(hidden, str(hidden_file), hidden=True, required=False)
        added = tuple(p for p in dict.fromkeys(more_presets) if p not in stage.presets)
        stage = replace(stage, presets=stage.presets + added, tests=stage.tests + more_tests,
                        hidden_presets=tuple(p.name for p in added))
    seen: dict[str, StageTest] = {}
    stage_presets = [p.name for p in stage.presets]
    for test in stage.tests:
        where = hidden_file if test.hidden else lab.stage_file
        if test.name in seen:
            raise LabError(f"{where}: test '{test.name}' is listed twice")
        seen[test.name] = test
        known = stage_presets if test.hidden else [p for p in stage_presets if p not in stage.hidden_presets]
        unknown = [name for name in test.presets or () if name not in known]
        if unknown:
            raise LabError(f"{where}: test '{test.name}': preset '{unknown[0]}' is not one of the "
                           f"stage's presets ({', '.join(known)})")
        if is_user_test(test.name) and not stage.modules_of(test):
            raise LabError(f"{where}: test '{test.name}' is a user-level test (l4.*), which the "
                           "kernel leaves to a root task: give it 'modules' to boot (for example "
                           '["sigma0", "l4test"]), or give the stage its modules')
    return stage


def _read_toml(path: Path, keys: set[str]) -> dict:
    try:
        with path.open("rb") as handle:
            table = tomllib.load(handle)
    except OSError as error:
        raise LabError(f"cannot read {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise LabError(f"{path}: not valid TOML: {error}") from None
    unknown = sorted(set(table) - keys)
    if unknown:
        raise LabError(f"{path}: unknown key '{unknown[0]}' (known: {', '.join(sorted(keys))})")
    return table


def _presets(table: dict, presets: Presets, where: str, required: bool) -> tuple[Preset, ...]:
    if "presets" not in table:
        if required:
            raise LabError(f"{where}: missing 'presets' (the machines to grade on)")
        return ()
    names = _strings(table["presets"], f"{where}: presets")
    if required and not names:
        raise LabError(f"{where}: 'presets' is empty")
    if len(set(names)) != len(names):
        raise LabError(f"{where}: a preset is named twice in 'presets'")
    try:
        return tuple(presets.get(name) for name in names)
    except PresetError as error:
        raise LabError(f"{where}: {error}") from None


def _tests(table: dict, where: str, hidden: bool, required: bool) -> tuple[StageTest, ...]:
    entries = table.get("tests", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise LabError(f"{where}: 'tests' must be [[tests]] tables")
    if required and not entries:
        raise LabError(f"{where}: no [[tests]]")
    tests = []
    for index, entry in enumerate(entries, start=1):
        name = entry.get("name")
        at = f"{where}: test {index}" + (f" ('{name}')" if isinstance(name, str) else "")
        unknown = sorted(set(entry) - TEST_KEYS)
        if unknown:
            raise LabError(f"{at}: unknown key '{unknown[0]}' (known: {', '.join(sorted(TEST_KEYS))})")
        if name is None:
            raise LabError(f"{at}: missing 'name'")
        if not isinstance(name, str) or not TEST_NAME.fullmatch(name) or name == "all":
            raise LabError(f"{at}: bad test name {name!r}")
        if "points" not in entry:
            raise LabError(f"{at}: missing 'points'")
        points = entry["points"]
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
            raise LabError(f"{at}: 'points' must be a number, at least 0")
        description = _string(entry.get("description", ""), f"{at}: description")
        evidence = _string(entry.get("evidence", ""), f"{at}: evidence")
        if evidence and evidence not in CHECKS:
            raise LabError(f"{at}: no evidence check '{evidence}' (there are: {', '.join(CHECKS)})")
        modules = _modules(entry["modules"], f"{at}: modules") if "modules" in entry else None
        own = None
        if "presets" in entry:
            own = tuple(_strings(entry["presets"], f"{at}: presets"))
            if not own or len(set(own)) != len(own):
                raise LabError(f"{at}: 'presets' must name at least one preset, each once")
        tests.append(StageTest(name, points, description, hidden, evidence, modules, own))
    return tuple(tests)


def _modules(value, where: str) -> tuple[str, ...]:
    """A list of boot modules by program name: "sigma0", "demo iter=2"."""
    modules = _strings(value, where)
    for module in modules:
        problem = module_problem(module)
        if problem:
            raise LabError(f"{where}: {problem}")
    return tuple(" ".join(module.split()) for module in modules)


def _seconds(table: dict, key: str, default: float, where: str) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise LabError(f"{where}: '{key}' must be a positive number of seconds")
    return float(value)


def _string(value, where: str) -> str:
    if not isinstance(value, str):
        raise LabError(f"{where} must be a string")
    return value


def _strings(value, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LabError(f"{where} must be a list of strings")
    return value
