#!/usr/bin/env python3
"""check-layers.py: the kernel's layers, and a check that no #include runs upward.

The kernel is built in layers; a file may include headers of its own layer and
of the layers below it, never of a layer above (docs/layers.md draws them):

    main      kernel/main.cc              the start-up order
    test      kernel/test/                in-kernel self-tests
    syscall   kernel/syscall/             system calls, kdebug
              kernel/arch/ia32/syscall/   their IA32 register convention, user exceptions
    boot      kernel/boot/                the KIP page, starting sigma0 and the root task
              kernel/arch/ia32/boot/      multiboot entry, CPU set-up, AP start-up
    thread    kernel/thread/ kernel/ipc/  threads, scheduler, IPC (one layer: see below)
    mm        kernel/mm/                  memory: pools, heap, spaces, mapping database
              kernel/arch/ia32/mm/        IA32 page tables
    smp       kernel/smp/                 online CPUs, cross-CPU calls
    base      kernel/lib/ kernel/arch/    console, locks, PerCpu, the architecture's
              kernel/platform/            interface and machine code, firmware, devices
    api       kernel/api/                 L4 X.2 types, shared with user code

thread/ and ipc/ are one layer: in L4 the TCB holds the thread's IPC state and
its cross-CPU requests, and the scheduler serves the IPC inbox at its safe
points, while IPC blocks and wakes threads. lib/, arch/ and platform/ are one
layer too: the console and the locks need the CPU and the UART, and the CPU
and firmware code print and lock.

A second rule covers the code that user programs compile too (-Ikernel): the
files of api/ and the few lib/ files named in SHARED_WITH_USER include nothing
but each other, and userland/ includes nothing else of the kernel.

    scripts/check-layers.py [--root DIR]     exit 0: clean; 1: violations, listed
                                             as file:line with the include and why

The files checked: kernel/, the reference solutions (solutions/labN/kernel/...,
at the layer of the file they replace), the hidden kernel tests
(grader/hidden/kernel/, layer test) and userland/.
"""
import argparse
import os
import re
import sys

# Lowest first: (layer, paths under kernel/). A file belongs to the layer of
# the longest path that starts it.
LAYERS = [
    ("api", ["api/"]),
    ("base", ["lib/", "arch/", "platform/"]),
    ("smp", ["smp/"]),
    ("mm", ["mm/", "arch/ia32/mm/"]),
    ("thread", ["thread/", "ipc/"]),
    ("boot", ["boot/", "arch/ia32/boot/"]),
    ("syscall", ["syscall/", "arch/ia32/syscall/"]),
    ("test", ["test/"]),
    ("main", ["main.cc"]),
]
RANK = {name: i for i, (name, _) in enumerate(LAYERS)}

# Kernel files that user programs compile or include as well (mk/userland.mk,
# mk/os.mk): besides api/, these may include only each other.
SHARED_WITH_USER = {"lib/string.h", "lib/string.cc", "lib/elf.h", "lib/elf.cc", "lib/format.h", "lib/format.cc",
                    "lib/thread_safety.h"}

SOURCE_SUFFIXES = (".h", ".cc", ".S")
INCLUDE = re.compile(r'^\s*#\s*include\s*(?:"([^"]+)"|<([^>]+)>|(\S.*))')


def layer_of(kernel_path):
    """The layer of a path relative to kernel/ (None: outside every layer)."""
    best, best_len = None, -1
    for name, prefixes in LAYERS:
        for prefix in prefixes:
            if kernel_path.startswith(prefix) and len(prefix) > best_len:
                best, best_len = name, len(prefix)
    return best


def is_shared(kernel_path):
    return kernel_path.startswith("api/") or kernel_path in SHARED_WITH_USER


def includes(path):
    """(line number, quoted name, angle name, other) for each #include line."""
    with open(path, encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if m:
                yield number, m.group(1), m.group(2), m.group(3)


def resolve(root, includer_dir, quoted, angle, search_dirs):
    """The file an include names, as the compiler finds it: a quoted name next
    to the includer first, then along the -I directories. None: not ours."""
    candidates = []
    if quoted is not None:
        candidates.append(os.path.join(includer_dir, quoted))
    name = quoted if quoted is not None else angle
    candidates += [os.path.join(root, d, name) for d in search_dirs]
    for c in candidates:
        if os.path.isfile(c):
            return os.path.normpath(c)
    return None


def walk(root, top):
    base = os.path.join(root, top)
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(SOURCE_SUFFIXES):
                yield os.path.join(dirpath, name)


def kernel_files(root):
    """(file on disk, path relative to kernel/ that gives its layer)."""
    for path in walk(root, "kernel"):
        yield path, os.path.relpath(path, os.path.join(root, "kernel"))
    solutions = os.path.join(root, "solutions")
    if os.path.isdir(solutions):
        for lab in sorted(os.listdir(solutions)):
            for path in walk(root, os.path.join("solutions", lab, "kernel")):
                yield path, os.path.relpath(path, os.path.join(solutions, lab, "kernel"))
    for path in walk(root, os.path.join("grader", "hidden", "kernel")):
        yield path, "test/" + os.path.basename(path)


def check(root):
    root = os.path.abspath(root)
    kernel_dir = os.path.join(root, "kernel")
    problems = []

    def where(path, number):
        return f"{os.path.relpath(path, root)}:{number}"

    def in_kernel(resolved):
        return resolved is not None and resolved.startswith(kernel_dir + os.sep)

    for path, kpath in kernel_files(root):
        layer = layer_of(kpath)
        if layer is None:
            problems.append(f"{where(path, 1)}: {kpath} lies in no layer: add its directory to LAYERS "
                            f"in scripts/check-layers.py and to docs/layers.md")
            continue
        for number, quoted, angle, other in includes(path):
            if other is not None:
                problems.append(f"{where(path, number)}: computed include '{other.strip()}': "
                                f"name the header (docs/layers.md, STYLE.md)")
                continue
            resolved = resolve(root, os.path.dirname(path), quoted, angle, ["kernel"])
            if resolved is None:
                continue  # a compiler header (<stddef.h>), or one the compiler will report missing
            shown = quoted if quoted is not None else f"<{angle}>"
            if not in_kernel(resolved):
                problems.append(f"{where(path, number)}: includes {shown}, which lies outside kernel/")
                continue
            target = os.path.relpath(resolved, kernel_dir)
            target_layer = layer_of(target)
            if target_layer is None:
                continue  # reported where that file itself is checked
            if RANK[target_layer] > RANK[layer]:
                problems.append(f"{where(path, number)}: {layer} includes {shown} of layer {target_layer}, "
                                f"which lies above it (order: {' < '.join(n for n, _ in LAYERS)})")
            elif is_shared(kpath) and not is_shared(target):
                problems.append(f"{where(path, number)}: {kpath} is compiled into user programs too, "
                                f"so it may include only api/ and {', '.join(sorted(SHARED_WITH_USER))}; "
                                f"it includes {shown}")

    for path in walk(root, "userland"):
        for number, quoted, angle, other in includes(path):
            if other is not None:
                problems.append(f"{where(path, number)}: computed include '{other.strip()}'")
                continue
            resolved = resolve(root, os.path.dirname(path), quoted, angle, ["kernel", "userland/lib"])
            if in_kernel(resolved) and not is_shared(os.path.relpath(resolved, kernel_dir)):
                shown = quoted if quoted is not None else f"<{angle}>"
                problems.append(f"{where(path, number)}: user code includes the kernel-internal {shown}; "
                                f"it may use only api/ and {', '.join(sorted(SHARED_WITH_USER))}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."),
                        help="the tree to check (default: this kit)")
    args = parser.parse_args()
    if not os.path.isdir(os.path.join(args.root, "kernel")):
        print(f"check-layers: no kernel/ in {args.root}", file=sys.stderr)
        return 2
    problems = check(args.root)
    for p in problems:
        print(p)
    if problems:
        print(f"check-layers: {len(problems)} include(s) break the layers (docs/layers.md)")
        return 1
    print("check-layers: every #include keeps to the layers (docs/layers.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
