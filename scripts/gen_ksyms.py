#!/usr/bin/env python3
"""Turns `llvm-nm -n -C --defined-only kernel.elf` output into the .ksyms table.

Reads nm lines ("c0101000 T kernel_main") on stdin and writes an assembly file
with the table that kernel/lib/ksyms.cc searches: a count, then (address,
name offset) pairs sorted by address, then the NUL-terminated names. Only code
symbols (types T, t, W, w) are kept; C++ names are demangled by nm, and their
parameter lists are dropped to keep backtraces short.
"""
import sys


def short_name(name: str) -> str:
    depth = 0
    for i, ch in enumerate(name):
        if ch == "(" and depth == 0 and i > 0:
            return name[:i]
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
    return name


def main() -> None:
    symbols = []
    for line in sys.stdin:
        parts = line.rstrip("\n").split(" ", 2)
        if len(parts) != 3 or parts[1] not in ("T", "t", "W", "w"):
            continue
        symbols.append((int(parts[0], 16), short_name(parts[2])))
    symbols.sort()
    out = ['\t.section .ksyms, "a"', "\t.global ksyms_table", "\t.balign 4", "ksyms_table:", f"\t.long {len(symbols)}"]
    offset = 0
    for address, name in symbols:
        out.append(f"\t.long 0x{address:x}, {offset}")
        offset += len(name.encode()) + 1
    for _, name in symbols:
        escaped = name.replace("\\", "\\\\").replace('"', '\\"')
        out.append(f'\t.asciz "{escaped}"')
    print("\n".join(out))


if __name__ == "__main__":
    main()
