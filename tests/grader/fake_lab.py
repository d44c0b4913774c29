"""A tiny lab tree for the lab-grading tests: a kit with two labs and a fake build.

    Makefile                 `kernel` runs fakebuild.py; `print-kernel` prints the ELF path;
                             `print-kernel-cxxflags` host flags for the grader's fence;
                             `programs PROGRAMS='a b'` makes $(BUILD)/userland/a.elf (the
                             user programs a stage boots; a program named `broken` fails
                             to build) and `print-programs` names them
    fakebuild.py             the "kernel" is the words of the lab files it was built from
    config/topologies.conf   uma (1 node), 2x2 (2 nodes), 4x1 (4 nodes), asym
    labs/lab1-alloc/         manifest: kernel/lab1.cc; stage: lab1.a 10, lab1.b 6, lab1.c 3;
                             fence.toml: allows nothing (the lab files are comments)
    labs/lab2-more/          manifest: kernel/lab2.cc; stage: lab2.x 5 on uma; fence.toml
    kernel/lab1.cc           the handout's hole: `fake=panic` (lab 1's first test panics)
    kernel/lab2.cc           lab 2's hole, which lab 1's tests never reach
    kernel/test/lab1_test.cc the kit's test code (empty)
    grader/hidden/           with hidden=True: lab1.toml (lab1.secret, the asym preset)
                             and kernel/secret_test.cc, whose words the kernel holds
                             when built with it (HIDDEN_DIR)
    solutions/lab1/kernel/lab1.cc, solutions/lab2/kernel/lab2.cc   (empty: pass)

The fake QEMU reads `fake...` words from the kernel file, so a lab file that
says `fake=fail fakefail=lab1.b` is a student whose lab1.b fails; `#error`
in one is a compile error. Lab files are written as C++ comments ("// fake=panic")
so that the grader's fence, which compiles them for real, passes them.
"""

import sys
from pathlib import Path

import support

FAKE_BUILD = '''\
import glob, os, re, sys
sol, build, hidden = sys.argv[1], sys.argv[2], sys.argv[3]
labs = sorted(int(m[1]) for d in glob.glob("labs/lab*-*") if (m := re.match(r"labs/lab(\\d+)-", d)))
have = sorted(int(d[13:]) for d in glob.glob("solutions/lab*"))
sol = sol or ("all" if have else "none")
if sol == "all":
    chosen = set(have)
elif sol == "none":
    chosen = set()
else:
    chosen = set()
    for item in sol.split(","):
        first, _, last = item.partition("-")
        chosen.update(range(int(first), int(last or first) + 1))
missing = chosen - set(have)
if missing:
    sys.exit(f"SOL={sol}: there is no solutions/lab{min(missing)}")
words = [f"sol={sol}"]
for lab in labs:
    manifest = glob.glob(f"labs/lab{lab}-*/manifest")[0]
    for path in [line.split("#")[0].strip() for line in open(manifest)]:
        if not path:
            continue
        source = f"solutions/lab{lab}/{path}" if lab in chosen else path
        text = open(source).read()
        if "#error" in text:
            print(f"compiling {source}")
            sys.exit(f"{source}:1:1: error: {text.strip()}")
        words += text.split()
for path in sorted(glob.glob("kernel/test/*")) + (sorted(glob.glob(f"{hidden}/kernel/*")) if hidden else []):
    words += open(path).read().split()
os.makedirs(build, exist_ok=True)
with open(f"{build}/kernel.elf", "w") as kernel:
    kernel.write("\\n".join(words) + "\\n")
print(f"built {build}/kernel.elf with SOL={sol}")
'''

MAKEFILE = f'''\
.PHONY: kernel print-kernel print-kernel-cxxflags programs print-programs
BUILD ?= build
HIDDEN_DIR ?= grader/hidden
PROGRAMS ?=
kernel:
\t@{sys.executable} fakebuild.py '$(SOL)' '$(BUILD)' '$(HIDDEN_DIR)'
print-kernel:
\t@echo $(BUILD)/kernel.elf
print-kernel-cxxflags:
\t@echo '-std=c++20 -ffreestanding -Ikernel'
programs:
\t@mkdir -p $(BUILD)/userland
\t@for p in $(PROGRAMS); do \\
\t  if [ $$p = broken ]; then echo "userland/broken/main.cc:1:1: error: a broken program"; exit 1; fi; \\
\t  echo "program $$p sol=$(SOL)" > $(BUILD)/userland/$$p.elf; done
print-programs:
\t@echo $(patsubst %,$(BUILD)/userland/%.elf,$(PROGRAMS))
'''

FENCE = 'headers = []\ncalls = []\ndefines = []\n'


def as_comments(text: str) -> str:
    """A fake lab file as C++: its words in comments, #directives kept."""
    return "\n".join(line if line.lstrip().startswith("#") or not line.strip() else "// " + line
                     for line in text.split("\n"))

STAGE1 = '''\
title = "Lab 1: the fake allocator"
presets = ["uma", "2x2", "4x1"]
timeout_seconds = 60
hang_seconds = 30
[[tests]]
name = "lab1.a"
points = 10
description = "a works"
[[tests]]
name = "lab1.b"
points = 6
[[tests]]
name = "lab1.c"
points = 3
'''

STAGE2 = '''\
title = "Lab 2: more"
presets = ["uma"]
[[tests]]
name = "lab2.x"
points = 5
'''

HIDDEN1 = '''\
presets = ["asym"]
[[tests]]
name = "lab1.secret"
points = 4
description = "the hidden one"
'''


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def make_kit(root: Path, student1: str = "fake=panic", hidden: bool = False) -> Path:
    """The kit in `root`; `student1` is the content of kernel/lab1.cc."""
    presets = "\n".join(f"{p.name} = {' '.join(p.options)}"
                        for p in support.PRESETS if p.name in ("uma", "2x2", "4x1", "asym"))
    files = {
        "Makefile": MAKEFILE,
        "fakebuild.py": FAKE_BUILD,
        "config/topologies.conf": presets + "\n",
        "labs/lab1-alloc/README.md": "# Lab 1\n",
        "labs/lab1-alloc/manifest": "# lab 1 files\nkernel/lab1.cc\n\n",
        "labs/lab1-alloc/stage.toml": STAGE1,
        "labs/lab1-alloc/fence.toml": FENCE,
        "labs/lab2-more/fence.toml": FENCE,
        "labs/lab2-more/manifest": "kernel/lab2.cc  # the one file\n",
        "labs/lab2-more/stage.toml": STAGE2,
        "kernel/lab1.cc": as_comments(student1) + "\n",
        "kernel/lab2.cc": "// LAB 2: your code here\n",
        "kernel/test/lab1_test.cc": "\n",
        "solutions/lab1/kernel/lab1.cc": "\n",
        "solutions/lab2/kernel/lab2.cc": "\n",
    }
    if hidden:
        files["grader/hidden/lab1.toml"] = HIDDEN1
        files["grader/hidden/kernel/secret_test.cc"] = "// HIDDEN_TEST_CODE\n"
    for relative, text in files.items():
        write(root, relative, text)
    return root


def make_submission(root: Path, lab1: str = "", files: dict[str, str] | None = None) -> Path:
    """A student's tree: kernel/lab1.cc, plus any other files."""
    write(root, "kernel/lab1.cc", as_comments(lab1) + "\n")
    for relative, text in (files or {}).items():
        write(root, relative, text)
    return root
