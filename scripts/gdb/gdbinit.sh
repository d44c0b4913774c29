#!/bin/bash
# Prints the gdbinit that connects GDB to a QEMU's gdb stub, for `make gdb` (mk/gdb.mk)
# and `make gdb-replay` (scripts/gdb/rr.sh).
# Usage: gdbinit.sh KERNEL_ELF GDB_SCRIPT PORT
#
# GDB waits up to 60 s for each answer of the stub: with its default, 2 s, a QEMU
# slowed by a loaded host (or replaying a recording) answers one packet late, GDB
# takes that answer for the next packet's ("Remote replied unexpectedly to
# 'vMustReplyEmpty'") and the connection fails.
set -eu
if [ $# -ne 3 ]; then
  echo "usage: $0 KERNEL_ELF GDB_SCRIPT PORT" >&2
  exit 2
fi
printf 'set architecture i386\nfile %s\nsource %s\nset remotetimeout 60\ntarget remote 127.0.0.1:%s\n' "$1" "$2" "$3"
