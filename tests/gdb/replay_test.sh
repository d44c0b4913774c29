#!/usr/bin/env bash
# replay_test.sh: does a recorded run play back exactly, also under GDB?
# (make replay-test; make record / make replay / make replay-gdb, scripts/gdb/rr.sh)
#
#   tests/gdb/replay_test.sh BUILD WORKDIR
#
#   (1) build the debug kernel and the user programs (sigma0, l4test), as make gdb
#       uses them;
#   (2) `make record` of a short test run (l4.ipc.call_reply) on uma, the one-CPU
#       machine (QEMU records no other), into WORKDIR/rr;
#   (3) `make replay`: it must end as the recording did and print the same bytes
#       (rr.sh compares them);
#   (4) twice: `make replay-gdb` on a random port and GDB in batch mode with the
#       replay's gdbinit, stopping at the 25th entry into syscall::ipc and printing
#       the registers and the calling thread's message registers there. Both times
#       must show the same values, and a stop inside syscall::ipc: the replay
#       reaches the same instruction with the same state every time, which a plain
#       run does not promise (timer interrupts fall where the host's speed puts them).
#   (5) in the second of them, reverse execution (scripts/gdb/rr_reverse.py): two
#       stepi and a reverse-stepi must give the registers of the first stepi; a
#       continue to the 26th syscall::ipc and a reverse-continue must give those of
#       the 25th again;
#   (6) the walk-through of docs/debugging.md on its planted bug, recorded by the
#       grader: `grade.py run --record` of a run with kcheck=plant-stack (a stray write
#       at a thread's kernel-stack limit, which the invariant checker reports) must
#       fail, keep its recording, print the replay command, and replay to the same
#       output; replayed under GDB to the report, a watchpoint on the word, and
#       reverse-continue must stop at the write, in kcheck.cc's Plant;
#   (7) a Ctrl-C (SIGINT to GDB) while a reverse-continue replays must stop that
#       replay where it is, before the point it started from: GDB reports the
#       SIGINT there, and a continue with the breakpoint still in stops at it.
# GDB_TEST_TIMEOUT (default 300) bounds each wait. Output stays in WORKDIR.
set -euo pipefail

build=$1 work=$2
make=${MAKE:-make}
limit=${GDB_TEST_TIMEOUT:-300}
kargs="test=l4.ipc.call_reply nonce=replay-test exit"
modules=$build/debug/userland/sigma0.elf,$build/debug/userland/l4test.elf
rr=$work/rr
rm -rf "$work"
mkdir -p "$work"

source "$(dirname "$0")/gdb_stub.sh"

fail() {
  echo "replay-test: FAIL: $1"
  for log in record replay gdb-1 gdb-2 qemu-1 qemu-2 grade-plant replay-plant gdb-plant qemu-plant gdb-3 qemu-3; do
    [[ -f $work/$log.log ]] || continue
    echo "---- $work/$log.log (last lines)"
    tail -n 15 "$work/$log.log"
  done
  echo "----"
  echo "reproduce: make replay-test"
  echo "  or by hand: make record DEBUG=1 TOPO=uma MODULES=$modules KARGS='$kargs'; make replay DEBUG=1"
  exit 1
}

command -v ss >/dev/null || { echo "replay-test: needs ss (Debian package iproute2)" >&2; exit 1; }

# (1)
"$make" --no-print-directory DEBUG=1 kernel userland >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }

# (2) and (3)
timeout "$limit" "$make" --no-print-directory DEBUG=1 TOPO=uma MACHINE= MODULES="$modules" KARGS="$kargs" \
  RR_DIR="$rr" record >"$work/record.log" 2>&1 || fail "make record failed"
grep -q "KTEST replay-test summary passed=1 failed=0" "$rr/record.log" || fail "the recorded run did not pass its test"
timeout "$limit" "$make" --no-print-directory DEBUG=1 RR_DIR="$rr" replay >"$work/replay.log" 2>&1 ||
  fail "make replay failed (or its output differs from the recording's)"
grep -q "the replay printed what the recorded run printed" "$work/replay.log" || fail "make replay did not compare"

# (4)
registers='info registers eip eax ebx ecx edx esi edi ebp esp eflags'
# (5): after the 25th stop, each section's registers (compared below).
reverse=(-ex stepi -ex 'echo ==== stepped once\n' -ex "$registers"
  -ex stepi -ex reverse-stepi -ex 'echo ==== stepped twice and back once\n' -ex "$registers"
  -ex continue -ex 'echo ==== at the next one\n' -ex "$registers"
  -ex reverse-continue -ex 'echo ==== back\n' -ex "$registers" -ex 'echo ==== done\n')

stop_in_replay() {
  local n=$1
  shift
  start_stub "$work/qemu-$n.log" "$make" --no-print-directory DEBUG=1 RR_DIR="$rr" replay-gdb
  local status=0
  timeout "$limit" gdb -q -nx -batch -x "$rr/gdbinit" \
    -ex 'break syscall::ipc' -ex 'ignore 1 24' -ex continue \
    -ex 'echo ==== registers\n' -ex "$registers" \
    -ex 'echo ==== caller\n' -ex 'proxima-tcb' -ex 'echo ==== end\n' "$@" \
    >"$work/gdb-$n.log" 2>&1 || status=$?
  ((status != 124)) || fail "GDB did not finish within $limit s (replay $n)"
  stop_stub
  grep -qE 'Breakpoint 1, syscall::ipc \(' "$work/gdb-$n.log" || fail "GDB did not stop in syscall::ipc (replay $n)"
  awk '/^==== registers/ { on = 1; next } /^==== end/ { on = 0 } on' "$work/gdb-$n.log" >"$work/state-$n.txt"
  grep -qE '^eip +0x[0-9a-f]+ +0x[0-9a-f]+ <syscall::ipc' "$work/state-$n.txt" ||
    fail "eip is not in syscall::ipc (replay $n)"
}
stop_in_replay 1
stop_in_replay 2 "${reverse[@]}"
cmp -s "$work/state-1.txt" "$work/state-2.txt" ||
  fail "two replays stopped at the 25th syscall::ipc with different state: $(diff "$work/state-1.txt" "$work/state-2.txt" | head -5)"

# (5)
section() {  # the registers GDB printed under "==== $1"
  awk -v want="==== $1" '$0 == want { on = 1; next } /^==== / { on = 0 } on && /^[a-z]+ +0x/' "$work/gdb-2.log"
}
grep -q '^==== done' "$work/gdb-2.log" || fail "GDB did not get through the reverse steps (gdb-2.log)"
[[ -n $(section "stepped once") ]] || fail "GDB printed no registers after a stepi"
[[ $(section "stepped twice and back once") == "$(section "stepped once")" ]] ||
  fail "reverse-stepi did not return to the state of one stepi before: $(diff <(section "stepped once") <(section "stepped twice and back once") | head -4)"
[[ $(section "at the next one") != "$(section registers)" ]] || fail "continue did not leave the 25th syscall::ipc"
[[ $(section back) == "$(section registers)" ]] ||
  fail "reverse-continue did not return to the 25th syscall::ipc: $(diff <(section registers) <(section back) | head -4)"

# (6)
status=0
timeout "$limit" python3 "$(dirname "$0")/../../grader/grade.py" run --kernel "$build/debug/kernel.elf" \
  --module "$build/debug/userland/sigma0.elf" --module "$build/debug/userland/l4test.elf" --topo uma \
  --tests l4.ipc.call_reply --kargs kcheck=plant-stack --hang-seconds "$limit" --record "$work/recorded" \
  >"$work/grade-plant.log" 2>&1 || status=$?
((status == 1)) || fail "the grader did not fail the run with kcheck=plant-stack (status $status)"
grep -q "kernel invariant violated: thread .*'s kernel stack reached" "$work/grade-plant.log" ||
  fail "the grader did not report the planted stack"
plant=$(echo "$work"/recorded/uma-*)
[[ -f $plant/run.rr ]] || fail "the grader kept no recording of the failed run in $work/recorded"
plant=$(cd "$plant" && pwd)  # the grader names it by its absolute path (BUILD may be relative)
grep -qF "replay-gdb RR_DIR=$plant" "$work/grade-plant.log" || fail "the grader did not print the replay command"
timeout "$limit" "$make" --no-print-directory RR_DIR="$plant" replay >"$work/replay-plant.log" 2>&1 ||
  fail "the grader's recording did not replay to the same output"
start_stub "$work/qemu-plant.log" "$make" --no-print-directory DEBUG=1 RR_DIR="$plant" replay-gdb
status=0
timeout "$limit" gdb -q -nx -batch -x "$plant/gdbinit" \
  -ex 'break invariants.cc:62' -ex continue \
  -ex 'watch -l *(unsigned *)(0xfe000000 + (id >> 14) * 4096 + ((sizeof(thread::Tcb) + 3) & ~3))' \
  -ex reverse-continue -ex 'echo ==== end\n' >"$work/gdb-plant.log" 2>&1 || status=$?
((status != 124)) || fail "GDB did not finish within $limit s (the planted bug)"
stop_stub
grep -qE "Breakpoint 1, .*check_stack" "$work/gdb-plant.log" || fail "GDB did not stop where the checker reports the stack"
grep -qE '^Old value = 1470910161$' "$work/gdb-plant.log" ||
  fail "reverse-continue did not stop at a change of the watched word to the planted 0x57ac4ed1"
grep -qE '^kcheck::.*Plant::Plant .* at kernel/syscall/kcheck.cc:[0-9]+' "$work/gdb-plant.log" ||
  fail "reverse-continue did not stop at the planted write in kcheck.cc's Plant"

# (7) GDB in the background; the SIGINT goes to it (through timeout, which passes it
# on) once rr_reverse.py has started the reverse-continue's replay, which takes a
# second or more to get back to the 25th syscall::ipc, stopping at each one before.
# --foreground: without it timeout passes the signal on twice (to GDB, then to its
# whole process group), and a GDB that sees a second Ctrl-C while the first one's
# stop is still on its way asks "The target is not responding to interrupt requests.
# Stop debugging it?", which batch mode answers yes (a failure of this step on a
# loaded machine). -k: GDB that ignores the limit's SIGTERM is killed 10 s later.
start_stub "$work/qemu-3.log" "$make" --no-print-directory DEBUG=1 RR_DIR="$rr" replay-gdb
timeout --foreground -k 10 "$limit" gdb -q -nx -batch -x "$rr/gdbinit" \
  -ex 'break syscall::ipc' -ex 'ignore 1 24' -ex continue -ex reverse-continue \
  -ex 'echo ==== interrupted\n' -ex 'info registers eip' -ex continue -ex 'echo ==== done\n' \
  >"$work/gdb-3.log" 2>&1 &
gdb_pid=$!
start=$SECONDS
until grep -q '^rr-reverse: reverse-continue: replaying' "$work/qemu-3.log"; do
  kill -0 "$gdb_pid" 2>/dev/null || fail "GDB ended before its reverse-continue began (gdb-3.log)"
  ((SECONDS - start <= limit)) || fail "no reverse-continue began within $limit s (qemu-3.log)"
  sleep 0.1
done
sleep 0.3
kill -INT "$gdb_pid"
status=0
wait "$gdb_pid" || status=$?
((status != 124)) || fail "GDB did not finish within $limit s (the interrupted reverse-continue)"
stop_stub
grep -q '^==== done' "$work/gdb-3.log" || fail "GDB did not get through the interrupted reverse-continue (gdb-3.log)"
awk '/^==== interrupted/ { exit } /^Program received signal SIGINT/ { found = 1 } END { exit !found }' "$work/gdb-3.log" ||
  fail "a Ctrl-C did not stop the reverse-continue's replay (no SIGINT stop before ==== interrupted; gdb-3.log)"
now=$(sed -n 's/^rr-reverse: reverse-continue: replaying from the start to instruction \([0-9]*\),.*/\1/p' "$work/qemu-3.log")
at=$(sed -n 's/^rr-reverse: interrupted: stopped at instruction \([0-9]*\)$/\1/p' "$work/qemu-3.log")
[[ -n $at && -n $now ]] && ((at < now)) ||
  fail "rr_reverse.py did not report an interrupted replay before instruction ${now:-?} (qemu-3.log)"
awk '/^==== interrupted/ { on = 1 } on && /^Breakpoint 1, syscall::ipc/ { found = 1 } END { exit !found }' "$work/gdb-3.log" ||
  fail "after the Ctrl-C, continue did not stop at the breakpoint (gdb-3.log)"
echo "replay-test: PASS (a recorded run replayed to the same output; GDB found the same state at the 25th syscall::ipc of two replays; reverse-stepi and reverse-continue returned to earlier states; the grader recorded a failing run, which replayed, and a watchpoint and reverse-continue found its planted write; a Ctrl-C stopped a reverse-continue's replay)"
