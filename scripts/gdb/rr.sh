#!/usr/bin/env bash
# rr.sh: record a run once and play it back exactly, as often as needed, also under
# GDB (make record / make replay / make replay-gdb; docs/debugging.md, "Record and
# replay"). QEMU's record/replay (-icount rr=record|replay) writes every input the
# machine had (interrupt timing, clock reads, serial input) to a log, and the replay
# feeds them back, so the run repeats instruction for instruction.
#
#   scripts/gdb/rr.sh record DIR QEMU-COMMAND...   run and record into DIR
#   scripts/gdb/rr.sh replay DIR                   play DIR's recording back
#   scripts/gdb/rr.sh replay-gdb DIR PORT          the same, stopped for GDB on PORT
#
# record copies the kernel and the modules into DIR, so that a rebuild does not
# change what a replay runs, and keeps the command (DIR/argv) and the serial output
# (DIR/record.log). replay compares its output with the recording's and fails if
# they differ. replay-gdb writes DIR/gdbinit (the copied kernel's symbols, the
# Proxima commands, the port): `gdb -q -x DIR/gdbinit` (make gdb-replay) attaches.
#
# The recording's virtual clock counts 2^7 ns per guest instruction (-icount shift=7,
# kept in DIR/icount for the replay): a fixed rate keeps the log small and the replay
# fast (with shift=auto QEMU logs every adjustment of the rate, and a replay of a test
# run takes ten times as long as the run).
#
# replay-gdb puts rr_reverse.py between GDB and the replay, which makes GDB's
# reverse-stepi and reverse-continue work by replaying again from the start (QEMU
# 7.2's own reverse execution needs a VM snapshot, whose loading stops a replay for
# good on this machine; docs/debugging.md). QEMU 7.2 records only machines with one
# CPU (it refuses -smp N > 1).
set -euo pipefail

usage() { sed -n '9,11p' "$0" | sed 's/^# *//' >&2; exit 2; }
(($# >= 2)) || usage
mode=$1 dir=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
clock=shift=7  # the recording's -icount options (see above)

# The exit statuses the kernel gives QEMU (isa-debug-exit), as make qemu reads them.
verdict() {
  case $1 in
    33) echo "rr: QEMU exited with status 33: the run ended normally" ;;
    0) echo "rr: QEMU exited with status 0, not through the kernel: the run was stopped there (Ctrl-C, a kill, GDB)" ;;
    35) echo "rr: QEMU exited with status 35: a self-test, a test or a program failed" ;;
    37) echo "rr: QEMU exited with status 37: kernel panic" ;;
    *) echo "rr: QEMU exited with status $1" ;;
  esac
}

record() {
  local argv=() smp="" i
  for ((i = 1; i <= $#; i++)); do
    [[ ${!i} == -smp ]] && { local next=$((i + 1)); smp=${!next}; }
  done
  local cpus=${smp%%,*}
  cpus=${cpus#cpus=}
  if [[ -n $cpus && $cpus != 1 ]]; then
    echo "rr: this machine has $cpus CPUs; QEMU records only machines with one CPU: try TOPO=uma" >&2
    exit 2
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  # The command, with the kernel and every module copied into $dir.
  while (($#)); do
    case $1 in
      -kernel)
        cp "$2" "$dir/kernel.elf"
        argv+=(-kernel "$dir/kernel.elf")
        shift 2 ;;
      -initrd)
        local entries=() n=0 entry file rest
        IFS=, read -ra modules <<<"$2"
        for entry in "${modules[@]}"; do
          file=${entry%% *}
          rest=${entry#"$file"}
          n=$((n + 1))
          cp "$file" "$dir/module$n-$(basename "$file")"
          entries+=("$dir/module$n-$(basename "$file")$rest")
        done
        argv+=(-initrd "$(IFS=,; echo "${entries[*]}")")
        shift 2 ;;
      *)
        argv+=("$1")
        shift ;;
    esac
  done
  printf '%s\0' "${argv[@]}" >"$dir/argv"
  echo "$clock" >"$dir/icount"
  echo "rr: recording into $dir/run.rr"
  local status=0
  "${argv[@]}" -serial stdio -icount "$clock,rr=record,rrfile=$dir/run.rr" </dev/null | tee "$dir/record.log" ||
    status=${PIPESTATUS[0]}
  verdict "$status"
  echo "rr: replay it with: make replay (or make replay-gdb, then make gdb-replay in another terminal)"
}

load_argv() {
  [[ -f $dir/argv && -f $dir/run.rr && -f $dir/icount ]] || { echo "rr: no recording in $dir: make record first" >&2; exit 2; }
  mapfile -d '' argv <"$dir/argv"
  clock=$(cat "$dir/icount")
}

replay() {
  load_argv
  local status=0
  "${argv[@]}" -serial stdio -icount "$clock,rr=replay,rrfile=$dir/run.rr" </dev/null | tee "$dir/replay.log" ||
    status=${PIPESTATUS[0]}
  verdict "$status"
  if cmp -s "$dir/record.log" "$dir/replay.log"; then
    echo "rr: the replay printed what the recorded run printed ($(wc -l <"$dir/replay.log") lines)"
  else
    echo "rr: the replay's output differs from the recording's ($dir/record.log, $dir/replay.log)" >&2
    exit 1
  fi
}

replay_gdb() {
  local port=$1
  load_argv
  bash "$here/gdbinit.sh" "$dir/kernel.elf" "$here/proxima.py" "$port" >"$dir/gdbinit"
  echo "rr: the replay waits for GDB on 127.0.0.1:$port: run 'make gdb-replay' in another terminal"
  echo "rr: (a breakpoint is hit at the same instruction every time; reverse-stepi and reverse-continue"
  echo "rr:  work too, each by replaying from the start to the point before: seconds, not instantly)"
  local status=0
  python3 "$here/rr_reverse.py" --dir "$dir" --port "$port" </dev/null || status=$?
  verdict "$status"
}

case $mode in
  record) record "$@" ;;
  replay) replay ;;
  replay-gdb) (($# == 1)) || usage; replay_gdb "$1" ;;
  *) usage ;;
esac
