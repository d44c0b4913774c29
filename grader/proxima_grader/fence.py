"""The fence around a student's room: what lab code may include, call and contain.

Lab code runs inside the kernel, with the kernel's privileges, so no check of
the serial output alone can tell a real result from one the lab code printed
itself. The fence keeps lab code away from everything that reports or ends a
run. Each lab's `labs/lab<N>-*/fence.toml` lists what the files of its
manifest may use:

    headers = ["mm/kmem.h", "lib/lab.h", "stddef.h"]   # #include, as the file writes it
    calls   = ["kmem::pools()", "mm::NodePool::*"]      # symbols used, not defined
    defines = ["kmem::*"]                               # global symbols defined

User-level lab files (a manifest path under userland/: the root pager, the
application pagers) run in user mode, where printing, reading the command
line and ending the run are library calls and inline assembly (kdebug's
int3, the debug-exit port). They go through the same five steps, with the
user programs' flags (`make print-user-cxxflags`: headers "l4/..." under
userland/lib, "api/..." under kernel/, and the file's own directory) and
USER_NEVER_HEADERS besides NEVER_HEADERS; they print with l4::lab_printf
(userland/lib/l4/lab.h).

Names are demangled C++ (`llvm-nm -C`); `*` matches any text. Every file of
a lab is checked in five steps, before the kernel is built, so that nothing
a rule forbids ever reaches the compiler's output:

    (1) its #include lines, as text: each a literal name from `headers`
        (no computed, absolute or `..` includes, no __has_include, and no
        #line, which would pass the file's own code off as a header's);
    (2) its preprocessed text (clang++ -E with the kernel's flags, or the
        user programs' for a file under userland/): what came
        from the file itself, macros expanded, must hold no inline assembly,
        no pragma, and no attribute that places code or data or runs it on
        its own (section, constructor, used, weak, alias, ...);
    (3) the headers it reaches, directly or through others: never one in
        NEVER_HEADERS (the console, the boot options, the debug-exit device,
        port IO, the self-test harness) or USER_NEVER_HEADERS (their user-level
        counterparts: kdebug, printf, the end of a run, the command line, the
        multiboot information, the test root task);
    (4) the object it compiles to, alone: sections only of code and data
        (no .init_array or .ctors: no global constructors; no .ktests);
    (5) that object's symbols: every undefined one in `calls` (or defined by
        a file of this lab or an earlier one), every global one it defines in
        `defines`.

Runtime-independent rules are here for every lab; `calls` and `headers` are
the lab's. A violation is a verdict: the submission is not built or booted,
and the report names the file, the line or symbol, and the rule. A file that
does not compile is left to the build, whose report shows the compiler's
message (its includes were checked first, so that message can quote nothing
but the file and the headers the lab allows). What the
fence cannot see is in grader/README.md ("Threat model").
"""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
import subprocess
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .labs import LabError

FENCE_KEYS = {"headers", "calls", "defines"}

# Never reachable from lab code, through any chain of includes: the channels
# that print, read the command line, end the run, or reach the test harness.
NEVER_HEADERS = ("lib/console.h", "lib/ksyms.h", "platform/boot_options.h", "platform/debug_exit.h",
                 "platform/multiboot.h", "arch/port_io.h", "test/*", "syscall/kdebug.h")
# The same for user-level lab code, relative to the tree (lab files of any lab
# are checked against both lists): the kernel debugger's console and statistics
# (kdebug.h) and printf over it (print.h), the debug-exit port (run_end.h), the
# command line's options and the multiboot information it is read from
# (options.h, multiboot.h), and the test harnesses: a root task's KTEST runner
# (test_runner.h), the test root task (userland/l4test), the base OS's and the
# root pager's own tests, and the base OS's boot information.
USER_NEVER_HEADERS = ("userland/lib/l4/kdebug.h", "userland/lib/l4/print.h", "userland/lib/l4/run_end.h",
                      "userland/lib/l4/options.h", "userland/lib/l4/multiboot.h",
                      "userland/lib/l4/test_runner.h", "userland/l4test/*", "userland/baseos/tests.h",
                      "userland/baseos/boot_info.h", "userland/rootpager/tests.h")
USER_DIR = "userland"   # a manifest file under it is user-level lab code

# Symbols the compiler itself may call for any code (i386 64-bit division and
# shifts from compiler-rt, block copies), always allowed.
COMPILER_SYMBOLS = ("__udivdi3", "__umoddi3", "__divdi3", "__moddi3", "__ashldi3", "__ashrdi3",
                    "__lshrdi3", "__muldi3", "memcpy", "memset", "memmove")

# Attribute names (alone or gnu::/clang:: scoped) that place code or data
# where the kernel finds it, run code before the tests, or override symbols.
FORBIDDEN_ATTRIBUTES = {"section", "constructor", "destructor", "used", "retain", "init_priority",
                        "alias", "weak", "weakref", "ifunc", "naked", "visibility", "externally_visible",
                        "no_reorder", "noinit", "persistent", "code_seg", "target_clones"}
ASM_WORDS = {"asm", "__asm", "__asm__"}

# Sections an object of lab code may have: code, data, and what the
# assembler and debug information add.
ALLOWED_SECTIONS = re.compile(r"(\.text|\.rodata|\.data|\.bss)(\..*)?|\.rel\..*|\.debug_.*|\.comment|"
                              r"\.note\.GNU-stack|\.llvm_addrsig|\.linker-options|\.group|\.symtab|\.strtab|"
                              r"\.shstrtab|"
                              r"\.eh_frame|\.rela?\.eh_frame|")

INCLUDE = re.compile(r'^\s*#\s*(include|include_next|import|embed)\b\s*(.*)$')
LINE_DIRECTIVE = re.compile(r'^\s*#\s*(line\b|\d)')
LINE_MARKER = re.compile(r'^#\s*(\d+)\s+"((?:[^"\\]|\\.)*)"')
TOKEN = re.compile(r'R"([^(\s]{0,16})\((?:.|\n)*?\)\1"|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|'
                   r'[A-Za-z_]\w*|\[\[|\]\]|<:<:|:>:>|\S')
DIGRAPHS = {"<:<:": "[[", ":>:>": "]]"}  # C++'s other spelling of an attribute's brackets


@dataclass(frozen=True)
class Violation:
    file: str      # relative to the tree
    line: int      # 0: the whole file (a symbol, a section)
    rule: str      # short name: include, asm, attribute, pragma, header, section, call, define
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass
class Fence:
    lab: int
    path: Path
    headers: list[str]
    calls: list[str]
    defines: list[str]


@dataclass
class FenceReport:
    violations: list[Violation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # lines an instructor should read (no verdict)
    checked: list[str] = field(default_factory=list)   # files that went through the fence
    unchecked: list[str] = field(default_factory=list)  # files that do not compile: the build says why
    symbols: dict[str, list[str]] = field(default_factory=dict)  # file -> undefined symbols, for the instructor

    @property
    def ok(self) -> bool:
        return not self.violations

    def summary(self) -> str:
        files = ", ".join(sorted({v.file for v in self.violations}))
        return f"fence: {len(self.violations)} violation(s) in {files}"


class FenceError(LabError):
    """A fence.toml that is wrong, or a tool missing: the kit's fault, not the student's."""


def load_fence(lab_dir: Path, number: int) -> Fence:
    path = lab_dir / "fence.toml"
    if not path.is_file():
        raise FenceError(f"{path}: missing: every lab with a manifest needs a fence "
                         "(grader/README.md, 'The fence')")
    try:
        table = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise FenceError(f"{path}: {error}") from None
    unknown = set(table) - FENCE_KEYS
    if unknown:
        raise FenceError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}")
    lists = {}
    for key in FENCE_KEYS:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise FenceError(f"{path}: {key} must be a list of non-empty strings")
        lists[key] = value
    return Fence(number, path, lists["headers"], lists["calls"], lists["defines"])


def _matches(name: str, patterns) -> bool:
    return any(fnmatch.fnmatchcase(name, p.replace("[", "[[]")) for p in patterns)


def is_user_file(relative: str) -> bool:
    """Whether a manifest file is user-level code (built with the user programs' flags)."""
    return Path(relative).parts[:1] == (USER_DIR,)


def kernel_cxxflags(tree: Path) -> list[str]:
    """The kernel's compiler flags, as its Makefile has them (`make print-kernel-cxxflags`)."""
    return _make_flags(tree, "print-kernel-cxxflags")


def user_cxxflags(tree: Path) -> list[str]:
    """The user programs' compiler flags (`make print-user-cxxflags`, mk/userland.mk)."""
    return _make_flags(tree, "print-user-cxxflags")


def _make_flags(tree: Path, target: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE") and k not in ("SOL", "BUILD")}
    result = subprocess.run(["make", "-s", "--no-print-directory", "-C", str(tree), target],
                            capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=300)
    if result.returncode != 0 or not result.stdout.strip():
        raise FenceError(f"`make {target}` failed in {tree}: {result.stderr.strip()[-500:]}")
    return shlex.split(result.stdout.strip().splitlines()[-1])


def strip_comments(text: str) -> str:
    """The text with comments blanked (newlines kept, so line numbers hold) and
    line continuations joined, as the preprocessor sees it before directives."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and text.startswith("\\\n", i):
            out.append(" ")  # a continuation: the directive goes on (the line count is kept below)
            out.append("\x00")
            i += 2
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(" " + "\x00" * text.count("\n", i, end))
            i = end
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def check_includes(text: str, relative: str, fence: Fence) -> list[Violation]:
    """(1) Each #include must name, literally, a header the lab allows."""
    violations = []
    logical = strip_comments(text).split("\n")
    line_number = 1
    for line in logical:
        number = line_number
        line_number += 1 + line.count("\x00")
        line = line.replace("\x00", "")
        if "__has_include" in line:
            violations.append(Violation(relative, number, "include",
                                        "__has_include is not allowed in lab code"))
        if LINE_DIRECTIVE.match(line):  # it would make the file's own code look like a header's
            violations.append(Violation(relative, number, "include",
                                        "a #line directive is not allowed in lab code"))
            continue
        m = INCLUDE.match(line)
        if not m:
            continue
        directive, argument = m.group(1), m.group(2).strip()
        name = re.fullmatch(r'"([^"]+)"|<([^>]+)>', argument)
        header = (name.group(1) or name.group(2)) if name else None
        if directive != "include" or header is None:
            violations.append(Violation(relative, number, "include",
                                        f"#{directive} {argument}: only #include \"name.h\" with a header "
                                        f"that {fence.path.parent.name}/fence.toml allows"))
        elif header not in fence.headers:
            violations.append(Violation(relative, number, "include",
                                        f"#include {argument}: Lab {fence.lab}'s files may include only "
                                        f"{', '.join(fence.headers)} ({fence.path.parent.name}/fence.toml)"))
    return violations


def own_text(preprocessed: str, sources: set[str], tree: Path) -> list[tuple[int, str]]:
    """The lines of the preprocessed text that come from the student's files
    (`sources`, real paths: the file itself and any manifest header it
    includes), with the macros they use expanded, as (line number, text).
    Line markers name files as the compiler, run in `tree`, found them."""
    lines, current, number = [], False, 0
    for line in preprocessed.split("\n"):
        marker = LINE_MARKER.match(line)
        if marker:
            number = int(marker.group(1))
            name = marker.group(2).encode().decode("unicode_escape")
            current = os.path.realpath(os.path.join(tree, name)) in sources
            continue
        if current:
            lines.append((number, line))
        number += 1
    return lines


def check_tokens(lines: list[tuple[int, str]], relative: str) -> tuple[list[Violation], list[str]]:
    """(2) No inline assembly, pragma or forbidden attribute in the file's own code.
    Returns the violations and warnings (casts to function pointers)."""
    violations, warnings = [], []
    tokens = []
    for number, line in lines:
        if re.match(r"\s*#\s*pragma\b", line):
            violations.append(Violation(relative, number, "pragma", "a #pragma is not allowed in lab code"))
        elif not line.lstrip().startswith("#"):
            tokens += [(number, DIGRAPHS.get(match.group(0), match.group(0))) for match in TOKEN.finditer(line)]
    i = 0
    while i < len(tokens):
        number, token = tokens[i]
        if token in ASM_WORDS:
            violations.append(Violation(relative, number, "asm",
                                        "inline assembly is not allowed in lab code"))
        elif token == "_Pragma":
            violations.append(Violation(relative, number, "pragma", "_Pragma is not allowed in lab code"))
        elif token in ("__attribute__", "__attribute", "__declspec"):
            depth, j = 0, i + 1
            while j < len(tokens):
                if tokens[j][1] == "(":
                    depth += 1
                elif tokens[j][1] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                elif depth >= 2 and tokens[j][1].strip("_") in FORBIDDEN_ATTRIBUTES:
                    violations.append(Violation(relative, tokens[j][0], "attribute",
                                                f"the attribute '{tokens[j][1]}' is not allowed in lab code"))
                j += 1
            i = j
        elif token == "[[":
            j = i + 1
            while j < len(tokens) and tokens[j][1] != "]]":
                name = tokens[j][1]
                scoped = j + 2 < len(tokens) and tokens[j + 1][1] == ":" and tokens[j + 2][1] == ":"
                if not scoped and name.strip("_") in FORBIDDEN_ATTRIBUTES and tokens[j - 1][1] != "(":
                    violations.append(Violation(relative, tokens[j][0], "attribute",
                                                f"the attribute '{name}' is not allowed in lab code"))
                j += 1
            i = j
        elif token == "(" and i + 2 < len(tokens) and tokens[i + 1][1] == "*" and tokens[i + 2][1] == ")":
            if i + 3 < len(tokens) and tokens[i + 3][1] == "(":
                warnings.append(f"{relative}:{number}: a function pointer type: lab code rarely needs one, "
                                "an instructor should read this line")
        i += 1
    return violations, warnings


def check_headers_reached(dependencies: list[str], tree: Path, relative: str) -> list[Violation]:
    """(3) No header of NEVER_HEADERS or USER_NEVER_HEADERS, through any chain of includes."""
    root = os.path.realpath(tree)
    kernel = os.path.join(root, "kernel")
    violations = []
    for dependency in dependencies:
        real = os.path.realpath(tree / dependency) if not os.path.isabs(dependency) else os.path.realpath(dependency)
        if not real.startswith(root + os.sep):
            continue
        header = os.path.relpath(real, root)
        in_kernel = os.path.relpath(real, kernel) if real.startswith(kernel + os.sep) else None
        if (in_kernel is not None and any(fnmatch.fnmatchcase(in_kernel, never) for never in NEVER_HEADERS)) \
                or any(fnmatch.fnmatchcase(header, never) for never in USER_NEVER_HEADERS):
            violations.append(Violation(relative, 0, "header",
                                        f"reaches {header} through its includes: lab code must not (it "
                                        "prints, reads the command line or the multiboot information, ends "
                                        "the run or is the test harness)"))
    return violations


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, errors="replace",
                              stdin=subprocess.DEVNULL, timeout=300)
    except FileNotFoundError as error:
        raise FenceError(f"cannot run {argv[0]}: {error}") from None


def check_object(obj: Path, relative: str, fence: Fence, others_define: list[str],
                 tree: Path) -> tuple[list[Violation], list[str]]:
    """(4) and (5): the sections and the symbols of one file's object."""
    violations = []
    sections = _run(["llvm-readelf", "-S", "-W", str(obj)], tree)
    for index, name in re.findall(r"^\s*\[\s*(\d+)\]\s+(\S*)", sections.stdout, re.M):
        if index == "0":
            continue  # the null section every ELF file starts with
        if not ALLOWED_SECTIONS.fullmatch(name):
            why = ("a global constructor (code that runs before the tests)"
                   if name in (".init_array", ".ctors") or name.startswith((".init_array.", ".ctors."))
                   else "a section the kernel's linker script gives a meaning")
            violations.append(Violation(relative, 0, "section",
                                        f"its object has a section {name}: {why}; lab code may have only code "
                                        "and data"))
    undefined = _run(["llvm-nm", "-C", "-u", str(obj)], tree).stdout.split("\n")
    undefined = sorted({line.strip()[2:].strip() if line.strip().startswith("U ") else line.strip()
                        for line in undefined if line.strip()})
    allowed = fence.calls + fence.defines + others_define + list(COMPILER_SYMBOLS)
    for symbol in undefined:
        if not _matches(symbol, allowed):
            violations.append(Violation(relative, 0, "call",
                                        f"uses {symbol}, which Lab {fence.lab}'s files may not call "
                                        f"({fence.path.parent.name}/fence.toml lists what they may)"))
    defined = _run(["llvm-nm", "-C", "-g", "--defined-only", str(obj)], tree).stdout.split("\n")
    for line in defined:
        parts = line.split(None, 2)
        if len(parts) < 3:
            continue
        kind, symbol = parts[1], parts[2]
        if kind in "WwVv" and _matches(symbol, fence.calls + fence.defines):
            continue  # an inline function or template of an allowed header, emitted here
        if not _matches(symbol, fence.defines):
            violations.append(Violation(relative, 0, "define",
                                        f"defines {symbol}, which Lab {fence.lab}'s files may not "
                                        f"({fence.path.parent.name}/fence.toml: defines); a helper of "
                                        "your own belongs in an anonymous namespace or is static"))
    return violations, undefined


def check_file(tree: Path, relative: str, fence: Fence, others_define: list[str], cxxflags: list[str],
               report: FenceReport, students: set[str]) -> None:
    source = tree / relative
    text = source.read_text("utf-8", "replace")
    report.checked.append(relative)
    violations = check_includes(text, relative, fence)
    if violations:  # never preprocess a file that names what it may not read
        report.violations += violations
        return
    with tempfile.TemporaryDirectory(prefix="proxima-fence-") as scratch:
        deps = Path(scratch) / "deps.d"
        pre = _run(["clang++", *cxxflags, "-E", "-MD", "-MF", str(deps), relative], tree)
        if pre.returncode != 0:
            report.unchecked.append(relative)  # the build fails on it, and shows the compiler's message
            return
        token_violations, warnings = check_tokens(own_text(pre.stdout, students | {os.path.realpath(source)}, tree), relative)
        report.violations += token_violations
        report.warnings += warnings
        dependencies = deps.read_text().replace("\\\n", " ").split(":", 1)[-1].split()
        report.violations += check_headers_reached(dependencies, tree, relative)
        if token_violations:
            return  # never assemble what holds inline assembly
        obj = Path(scratch) / "lab.o"
        compiled = _run(["clang++", *cxxflags, "-c", relative, "-o", str(obj)], tree)
        if compiled.returncode != 0:
            report.unchecked.append(relative)
            return
        object_violations, undefined = check_object(obj, relative, fence, others_define, tree)
        report.violations += object_violations
        report.symbols[relative] = undefined


def check_labs(tree: Path, labs: list[tuple[int, Path, list[str]]], cxxflags: list[str] | None = None,
               user_flags: list[str] | None = None) -> FenceReport:
    """Fences the files of the given labs: (number, lab directory, manifest files
    to check) in lab order. A file may call what its own lab's and earlier labs'
    files define. `cxxflags` and `user_flags`: the kernel's and the user
    programs' compiler flags (default: the tree's Makefile says)."""
    tree = Path(tree)
    report = FenceReport()
    if not any(files for _, _, files in labs):
        return report
    sources = [f for _, _, files in labs for f in files if f.endswith(".cc")]
    if cxxflags is None and not all(is_user_file(f) for f in sources):
        cxxflags = kernel_cxxflags(tree)
    if user_flags is None and any(is_user_file(f) for f in sources):
        user_flags = user_cxxflags(tree)
    students = {os.path.realpath(tree / f) for _, _, files in labs for f in files}
    defined_so_far: list[str] = []
    for number, lab_dir, files in labs:
        fence = load_fence(lab_dir, number)
        defined_so_far += fence.defines
        for relative in files:
            if relative.endswith(".cc"):
                flags = user_flags if is_user_file(relative) else cxxflags
                check_file(tree, relative, fence, defined_so_far, flags, report, students)
            elif relative.endswith(".h"):
                text = (tree / relative).read_text("utf-8", "replace")
                report.checked.append(relative)
                report.violations += check_includes(text, relative, fence)
    return report
